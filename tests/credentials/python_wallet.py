"""A wallet written with the `sd-jwt` reference holder, for our own OpenID4VP tests:
it reads the QR code's link and the signed request object as a wallet would, and answers
with a presentation (key binding over the nonce, to our client identifier)."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from django.test import Client
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from sd_jwt.holder import SDJWTHolder

from passeport.credentials.oid4vp import identity, requests

CLIENT_ID = "x509_san_dns:127.0.0.1"


def fetch(request) -> dict:
    """What a wallet reads: the link's request_uri, then the signed request object."""
    link = requests.authorization_link(request)
    assert link.startswith("openid4vp://?")
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [CLIENT_ID]
    response = Client().get(urlsplit(query["request_uri"][0]).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/oauth-authz-req+jwt"
    token = response.content.decode()
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "oauth-authz-req+jwt" and header["alg"] == "ES256"
    certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    assert identity.san_dns_names(certificate) == ["127.0.0.1"]
    jws = JWS()
    jws.deserialize(token)
    jws.verify(JWK.from_pyca(certificate.public_key()), alg="ES256")
    return json.loads(jws.payload)


def present(credential, wallet_key, payload, disclose=None, *, nonce=None, aud=CLIENT_ID):
    holder = SDJWTHolder(credential)
    wanted = disclose or {
        claim["path"][0]: True for claim in payload["dcql_query"]["credentials"][0]["claims"]
    }
    holder.create_presentation(
        wanted, nonce=nonce or payload["nonce"], aud=aud, holder_key=wallet_key, sign_alg="ES256"
    )
    return holder.sd_jwt_presentation


def answer(payload, presentation, *, state=None):
    return Client().post(
        urlsplit(payload["response_uri"]).path,
        {
            "vp_token": json.dumps({"passeport": [presentation]}),
            "state": state or payload["state"],
        },
    )
