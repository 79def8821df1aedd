"""Conversations: the chat and WeChat channels in front of Rasa, hotline agent assist, handoffs (转人工)."""
