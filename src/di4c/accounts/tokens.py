"""The token of the link that confirms a new account's e-mail address."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password-reset token (signed, expires after PASSWORD_RESET_TIMEOUT, void once
    the password changes), and also void once the account is active: the link works once."""

    key_salt = "di4c.accounts.tokens.AccountConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


account_confirmation_token = AccountConfirmationTokenGenerator()
