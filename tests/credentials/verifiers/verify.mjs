// Independent verification of what Passeport issues, with libraries this project did not
// write. Reads one JSON request on stdin, prints one JSON answer on stdout; offline: keys,
// DID document, status lists and pinned contexts come in the request (the test serves
// them from the running service), nothing is fetched.
//
// Request (or a list of them): {format: "sd-jwt" | "open-badge" | "jws", credential, jwks, didDocument,
//           statusLists: {url: body}, contexts: {url: document}, keyBindingNonce?}
// Answer:  {verified: boolean, error?: string, claims?, statuses?}

import {Buffer} from 'node:buffer';
import {readFileSync} from 'node:fs';

import * as jose from 'jose';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest} from '@sd-jwt/crypto-nodejs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const input = JSON.parse(readFileSync(0, 'utf8'));
let request;

function header(compact) {
  return JSON.parse(Buffer.from(compact.split('.')[0], 'base64url').toString());
}

// A JWS verifier for @sd-jwt: the key is the one of our JWKS named by the header's kid
// (jose does the cryptography).
function jwksVerifier(jwks) {
  const keySet = jose.createLocalJWKSet(jwks);
  return async (data, signature) => {
    try {
      await jose.compactVerify(`${data}.${signature}`, keySet);
      return true;
    } catch {
      return false;
    }
  };
}

async function verifySdJwt() {
  const verifier = jwksVerifier(request.jwks);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier,
    kbVerifier: async (data, signature, payload) => {
      const key = await jose.importJWK(payload.cnf.jwk, header(data).alg);
      try {
        await jose.compactVerify(`${data}.${signature}`, key);
        return true;
      } catch {
        return false;
      }
    },
    statusListFetcher: async uri => {
      if(!(uri in request.statusLists)) {
        throw new Error(`status list not provided: ${uri}`);
      }
      return request.statusLists[uri];
    },
    loadTypeMetadataFormat: false,
  });
  const options = request.keyBindingNonce ? {keyBindingNonce: request.keyBindingNonce} : {};
  const result = await sdjwt.verify(request.credential, options);
  const typ = header(request.credential.split('~')[0]).typ;
  if(typ !== 'dc+sd-jwt') {
    throw new Error(`unexpected typ ${typ}`);
  }
  return {verified: true, claims: result.payload, kb: Boolean(result.kb)};
}

async function verifyJws() {
  const keySet = jose.createLocalJWKSet(request.jwks);
  const {payload, protectedHeader} = await jose.jwtVerify(request.credential, keySet, {
    typ: request.typ,
  });
  return {verified: true, claims: payload, header: protectedHeader};
}

async function verifyOpenBadge() {
  const loader = securityLoader();
  for(const [url, document] of Object.entries(request.contexts || {})) {
    loader.addStatic(url, document);
  }
  const did = request.didDocument;
  loader.addStatic(did.id, did);
  for(const method of did.verificationMethod) {
    loader.addStatic(method.id, {'@context': 'https://w3id.org/security/multikey/v1', ...method});
  }
  for(const [url, document] of Object.entries(request.statusLists || {})) {
    loader.addStatic(url, typeof document === 'string' ? JSON.parse(document) : document);
  }
  const documentLoader = loader.build();
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const credential = typeof request.credential === 'string' ?
    JSON.parse(request.credential) : request.credential;
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const answer = {verified: result.verified};
  if(!result.verified) {
    const error = result.error || result.statusResult?.error ||
      result.results?.find(r => !r.verified)?.error;
    answer.error = String(error?.errors?.[0]?.message || error?.message || error);
    return answer;
  }
  // The status library answers verified: true for a revoked credential: the bit is in
  // results[].status.
  const statuses = (result.statusResult?.results || []).map(r => ({
    purpose: r.credentialStatus?.statusPurpose, set: r.status,
  }));
  answer.statuses = statuses;
  const set = statuses.filter(s => s.set);
  if(statuses.length === 0 || set.length) {
    answer.verified = false;
    answer.error = set.length ?
      `status set: ${set.map(s => s.purpose).join(', ')}` : 'no status checked';
  }
  return answer;
}

const handlers = {'sd-jwt': verifySdJwt, 'open-badge': verifyOpenBadge, jws: verifyJws};

// One request, or a list of them (one node start for a whole test).
const answers = [];
for(request of Array.isArray(input) ? input : [input]) {
  try {
    answers.push(await handlers[request.format]());
  } catch(error) {
    answers.push({verified: false, error: String(error?.message || error)});
  }
}
process.stdout.write(JSON.stringify(Array.isArray(input) ? answers : answers[0]));
