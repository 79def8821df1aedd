"""halls"""
