"""Chat-app input channels for Rasa: WeChat Official Accounts and WeCom.

``bot.channels.wechat.WeChatInput`` and ``bot.channels.wecom.WeComInput`` are registered in
credentials.yml by module path; ``python -m bot.channels.simulate`` plays the platform
against a running Rasa server.
"""
