"""OpenID for Verifiable Presentations 1.0: a recruiter asks a holder's wallet for a
credential, cross-device.

- `identity`: who we are to wallets. Client identifier prefix `x509_san_dns`: the
  request object is signed with a P-256 key whose X.509 certificate (sent in `x5c`)
  names our host as a DNS subjectAltName; `client_id` is `x509_san_dns:<host>` and the
  wallet checks that the certificate's SAN and the `response_uri`'s host both match it.
- `requests`: the request (credential type and claims as a DCQL query, nonce, state,
  expiry), its signed request object (`request_uri`, fetched by the wallet) and the
  `openid4vp://` link shown as a QR code.
- `responses`: the wallet's `direct_post` answer, verified once (single use), turned into
  checks in plain French; only the asked claims that were disclosed are kept, for a
  short retention; the holder's access log shows the presentation when the credential
  is one we issued.
"""
