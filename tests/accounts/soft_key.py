"""A security key in software, for the passkey tests: it makes a P-256 key pair, registers it the
way a browser's WebAuthn call answers, and signs sign-in challenges with it."""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import sha256, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

ORIGIN = "http://testserver"
FLAGS = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV


def _public_key(options: Any) -> Any:
    return options["publicKey"]


class SoftKey:
    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.counter = 0

    def registration(self, creation_options: Any) -> str:
        """The browser's answer to ``navigator.credentials.create`` with these options, as JSON."""
        options = _public_key(creation_options)
        credential = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.private.public_key())
        )
        data = AuthenticatorData.create(
            sha256(options["rp"]["id"].encode()), FLAGS | AuthenticatorData.FLAG.AT, 0, credential
        )
        client = CollectedClientData.create(type="webauthn.create", challenge=options["challenge"], origin=ORIGIN)
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client),
                    "attestationObject": websafe_encode(AttestationObject.create("none", data, {})),
                },
                "clientExtensionResults": {},
            }
        )

    def assertion(self, request_options: Any) -> str:
        """The browser's answer to ``navigator.credentials.get``: this key signs the challenge."""
        options = _public_key(request_options)
        self.counter += 1
        data = AuthenticatorData.create(sha256(options["rpId"].encode()), FLAGS, self.counter)
        client = CollectedClientData.create(type="webauthn.get", challenge=options["challenge"], origin=ORIGIN)
        signature = self.private.sign(bytes(data) + client.hash, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client),
                    "authenticatorData": websafe_encode(data),
                    "signature": websafe_encode(signature),
                },
                "clientExtensionResults": {},
            }
        )
