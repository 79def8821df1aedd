"""Shared plumbing every area uses: config, stores, errors, clock, rate limits, Redis batching, audit, vocabulary."""
