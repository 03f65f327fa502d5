import pytest

from cfdidesk.desk.tickets.services.tickets import ticket_create


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def make_ticket(actor, company):
    def make(**kwargs):
        kwargs.setdefault("subject", "No timbra la factura A-123")
        kwargs.setdefault("company", company)
        return ticket_create(actor=actor, **kwargs)

    return make


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (aiosmtpd); settings point Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.HELPDESK_EMAIL = "soporte@mesa.example"
    yield inbox
    controller.stop()


@pytest.fixture
def dead_smtp(settings):
    """An SMTP address where nothing listens: every send fails."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.EMAIL_TIMEOUT = 2
