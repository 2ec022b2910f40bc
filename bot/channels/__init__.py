"""Input channels for Rasa: the guarded REST channel, WeChat Official Accounts and WeCom.

``bot.channels.rest.GuardedRestInput`` (still named "rest"), ``bot.channels.wechat.WeChatInput``
and ``bot.channels.wecom.WeComInput`` are registered in credentials.yml by module path; their
shared input checks and rate limit are in ``bot.channels.guard``. ``python -m
bot.channels.simulate`` plays the platform against a running Rasa server.
"""
