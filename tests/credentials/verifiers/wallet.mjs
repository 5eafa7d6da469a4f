// An independent wallet, assembled from libraries this project did not write, talking
// HTTP to the running service (the test's live server):
//   - receive: @sphereon/oid4vci-client (OpenID4VCI draft 15) takes an offer (by value or
//     by reference), exchanges the pre-authorized code (with or without tx_code), gets a
//     nonce, signs a key proof and receives the SD-JWT VC; @sd-jwt/sd-jwt-vc then
//     verifies it (issuer key from our JWKS, status list fetched) and a key-binding
//     presentation of it. @openid4vc/openid4vci reads the issuer metadata as OpenID4VCI
//     1.0 does (display under credential_metadata).
//   - present: @openid4vc/openid4vp resolves an OpenID4VP 1.0 request (request_uri, signed
//     request object, x509_san_dns client identifier), dcql matches the DCQL query
//     against the credential, @sd-jwt/sd-jwt-vc discloses the asked claims with a KB-JWT,
//     and the answer is posted (direct_post).
// Run directly, it reads a list of steps (JSON) on stdin and prints one answer per step on
// stdout (tests/credentials/independent.py); demo-wallet.mjs uses it by hand.

import {Buffer} from 'node:buffer';
import {X509Certificate, createHash, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {pathToFileURL} from 'node:url';

import * as jose from 'jose';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {OpenID4VCIClientV1_0_15} from '@sphereon/oid4vci-client';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {Openid4vpClient} from '@openid4vc/openid4vp';
import {setGlobalConfig} from '@openid4vc/utils';
import {DcqlQuery} from 'dcql';

// The live server speaks http on 127.0.0.1; a deployed service is https only.
setGlobalConfig({allowInsecureUrls: true});

const ALG = 'ES256';

function decodePart(compact, index) {
  return JSON.parse(Buffer.from(compact.split('.')[index], 'base64url').toString());
}

// @sd-jwt: the issuer's key is the one of its JWKS named by the header's kid; the
// holder's, the credential's cnf. `holderKey`: the wallet's private JWK (signs KB-JWTs).
async function sdJwtInstance(issuer, holderKey) {
  const jwks = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
  const keySet = jose.createLocalJWKSet(jwks);
  return new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    verifier: async (data, signature) => {
      try {
        await jose.compactVerify(`${data}.${signature}`, keySet);
        return true;
      } catch {
        return false;
      }
    },
    kbSigner: holderKey ? await ES256.getSigner(holderKey) : undefined,
    kbSignAlg: ALG,
    kbVerifier: async (data, signature, payload) => {
      const key = await jose.importJWK(payload.cnf.jwk, decodePart(data, 0).alg);
      try {
        await jose.compactVerify(`${data}.${signature}`, key);
        return true;
      } catch {
        return false;
      }
    },
    statusListFetcher: async uri => (await fetch(uri)).text(),
    loadTypeMetadataFormat: false,
  });
}

// Display as each reader sees it: draft 15 (Sphereon, configuration level) and 1.0
// (@openid4vc/openid4vci, credential_metadata).
function displayOf(configuration) {
  return {
    name: configuration?.display?.[0]?.name,
    claims: Object.fromEntries((configuration?.claims || []).map(
      claim => [claim.path.join('.'), claim.display?.[0]?.name])),
  };
}

export async function receive(step) {
  const {privateKey, publicKey} = await jose.generateKeyPair(ALG, {extractable: true});
  const jwk = await jose.exportJWK(publicKey);
  const client = await OpenID4VCIClientV1_0_15.fromURI({
    uri: step.offer, retrieveServerMetadata: true, resolveOfferUri: true, alg: ALG,
  });
  const [configurationId] = client.getCredentialOfferConfigurationIds();
  const draft15 = displayOf(client.getCredentialsSupported()[configurationId]);
  const answer = {configurationId, display: {draft15}};
  if(step.readV1) {
    const v1 = await new Openid4vciClient({callbacks: {fetch}})
      .resolveIssuerMetadata(client.getIssuer());
    const configuration = v1.credentialIssuer.credential_configurations_supported[configurationId];
    answer.display.v1 = displayOf(configuration.credential_metadata);
    answer.display.v1Version = v1.originalDraftVersion;
  }
  try {
    await client.acquireAccessToken({pin: step.txCode || undefined});
  } catch(error) {
    return {...answer, stage: 'token', error: String(error?.message || error)};
  }
  const signCallback = async args => {
    const payload = {...args.payload};
    if(step.tamper === 'nonce') {
      payload.nonce = 'pas-le-nonce-du-serveur';
    }
    if(step.tamper === 'aud') {
      payload.aud = 'https://ailleurs.example';
    }
    const header = {...args.header, alg: ALG, jwk};
    delete header.kid;
    return new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey);
  };
  let response;
  try {
    response = await client.acquireCredentials({
      credentialConfigurationId: configurationId, format: 'dc+sd-jwt', jwk, alg: ALG,
      proofCallbacks: {signCallback},
    });
  } catch(error) {
    return {...answer, stage: 'credential', error: String(error?.message || error)};
  }
  const credential = response.credentials?.[0]?.credential ?? response.credential;
  const holderKey = await jose.exportJWK(privateKey);
  const sdjwt = await sdJwtInstance(client.getIssuer(), holderKey);
  const verified = await sdjwt.verify(credential);
  // What a verifier would get from this wallet: every claim disclosed, bound to the key.
  const claims = await sdjwt.getClaims(credential);
  const frame = Object.fromEntries(Object.keys(claims)
    .filter(name => !['iss', 'iat', 'exp', 'vct', 'status', 'cnf', '_sd_alg'].includes(name))
    .map(name => [name, true]));
  const nonce = randomBytes(16).toString('base64url');
  const presentation = await sdjwt.present(credential, frame, {
    kb: {payload: {aud: 'https://recruteur.example', nonce, iat: Math.floor(Date.now() / 1000)}},
  });
  const presented = await sdjwt.verify(presentation, {keyBindingNonce: nonce});
  return {
    ...answer, credential, holderKey, cnf: verified.payload.cnf,
    claims: verified.payload, presentationVerified: Boolean(presented.kb),
  };
}

// --- OpenID4VP ------------------------------------------------------------------------

function sanNames(certificate) {
  const names = (certificate.subjectAltName || '').split(', ');
  return {
    sanDnsNames: names.filter(n => n.startsWith('DNS:')).map(n => n.slice(4)),
    sanUriNames: names.filter(n => n.startsWith('URI:')).map(n => n.slice(4)),
  };
}

function x509(base64Der) {
  return new X509Certificate(Buffer.from(base64Der, 'base64'));
}

function vpClient(trusted) {
  return new Openid4vpClient({callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    generateRandom: bytes => randomBytes(bytes),
    getX509CertificateMetadata: certificate => sanNames(x509(certificate)),
    verifyJwt: async (signer, {compact, header}) => {
      if(signer.method !== 'x5c') {
        return {verified: false};
      }
      // Trust: the wallet knows this verifier's certificate (its trust list).
      const leaf = x509(signer.x5c[0]);
      if(!trusted.some(pem => new X509Certificate(pem).raw.equals(leaf.raw))) {
        return {verified: false};
      }
      const key = await jose.importX509(leaf.toString(), header.alg);
      try {
        await jose.compactVerify(compact, key);
        return {verified: true, signerJwk: await jose.exportJWK(key)};
      } catch {
        return {verified: false};
      }
    },
  }});
}

export async function present(step) {
  const client = vpClient(step.trustedCertificates || []);
  const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: step.request});
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
  });
  const request = resolved.authorizationRequestPayload;
  const answer = {
    client: resolved.client.effective, clientPrefix: resolved.client.prefix,
    version: resolved.version, responseMode: request.response_mode,
  };
  if(step.decline) {
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: {error: 'access_denied', state: request.state},
    }).catch(error => ({error}));
    return {...answer, declined: true, status: submitted.response?.status};
  }
  if(step.replayVpTokenOf !== undefined) {
    // A presentation captured from an earlier answer, sent to this request.
    const vpToken = answers[step.replayVpTokenOf].vpToken;
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: {vp_token: vpToken, state: request.state},
    });
    answer.responses = [{
      status: submitted.response.status, body: await submitted.response.json(),
    }];
    return answer;
  }
  const sdjwt = await sdJwtInstance(new URL(step.issuer).origin, step.holderKey);
  const claims = await sdjwt.getClaims(step.credential);
  const query = DcqlQuery.parse(resolved.dcql.query);
  DcqlQuery.validate(query);
  const result = DcqlQuery.query(query, [{
    credential_format: 'dc+sd-jwt', vct: claims.vct, claims,
    cryptographic_holder_binding: true,
  }]);
  answer.canBeSatisfied = result.can_be_satisfied;
  if(!result.can_be_satisfied) {
    return answer;
  }
  // Disclose what the query asks: the claims of the claim set that matched first.
  const [queryId, match] = Object.entries(result.credential_matches)[0];
  const claimsQuery = query.credentials.find(c => c.id === queryId).claims;
  const chosen = match.valid_credentials[0].claims.valid_claim_sets[0].valid_claim_indexes
    .map(index => claimsQuery[index].path[0]);
  const frame = Object.fromEntries(chosen.map(name => [name, true]));
  let presentation = await sdjwt.present(step.credential, frame, {kb: {payload: {
    aud: resolved.client.effective,
    nonce: step.tamper === 'nonce' ? 'un-autre-nonce' : request.nonce,
    iat: Math.floor(Date.now() / 1000),
  }}});
  if(step.tamper === 'disclosure') {
    // The value of a disclosure changed by the holder, salt and name kept.
    const parts = presentation.split('~');
    const [salt, name] = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    parts[1] = Buffer.from(JSON.stringify([salt, name, 'Falsifié'])).toString('base64url');
    presentation = parts.join('~');
  }
  answer.disclosed = chosen;
  const vpToken = {[queryId]: [presentation]};
  const response = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: {vp_token: vpToken},
  });
  const submits = step.replay ? 2 : 1;
  answer.responses = [];
  for(let i = 0; i < submits; i++) {
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
    });
    answer.responses.push({
      status: submitted.response.status, body: await submitted.response.json(),
    });
  }
  answer.vpToken = vpToken;
  answer.state = request.state;
  return answer;
}

const handlers = {receive, present};
const answers = [];

async function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  for(const step of input) {
    try {
      answers.push(await handlers[step.action](step));
    } catch(error) {
      answers.push({error: String(error?.message || error), stage: 'wallet'});
    }
  }
  process.stdout.write(JSON.stringify(answers));
}

if(import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
