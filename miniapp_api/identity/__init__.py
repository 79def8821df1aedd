"""Who is asking: resident sessions and profiles (WeChat login), staff accounts and roles."""
