"""guides"""
