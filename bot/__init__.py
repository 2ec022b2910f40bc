"""客服职业助手: the customer-service career assistant's own Python package."""
