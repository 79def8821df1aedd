"""appeals"""
