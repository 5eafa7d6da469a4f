// A wallet for trying `make run` without a phone (the independent libraries of
// wallet.mjs, by hand). It keeps what it receives in var/portefeuille-demo.json.
//
//   node tests/credentials/verifiers/demo-wallet.mjs recevoir 'openid-credential-offer://…' [code]
//   node tests/credentials/verifiers/demo-wallet.mjs presenter 'openid4vp://…'
//
// To present, it trusts the verifier certificate the service publishes
// (/verifier/portefeuille/certificat.pem): fine for a demonstration on 127.0.0.1, never
// what a real wallet does (it trusts certificates issued by an authority it knows).

import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import {present, receive} from './wallet.mjs';

const STORE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../var/portefeuille-demo.json');
const [command, link, code] = process.argv.slice(2);

function load() {
  try {
    return JSON.parse(readFileSync(STORE, 'utf8'));
  } catch {
    return [];
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if(command === 'recevoir' && link) {
  const answer = await receive({offer: link, txCode: code});
  if(answer.error) {
    fail(`Refusé (${answer.stage}) : ${answer.error}`);
  }
  const held = load();
  held.push({
    vct: answer.claims.vct, issuer: answer.claims.iss, credential: answer.credential,
    holderKey: answer.holderKey, name: answer.display.draft15.name,
  });
  mkdirSync(dirname(STORE), {recursive: true});
  writeFileSync(STORE, JSON.stringify(held, null, 2), {mode: 0o600});
  process.stdout.write(`\nReçu : ${answer.display.draft15.name} (${held.length} attestation(s) dans ${STORE}).\n`);
} else if(command === 'presenter' && link) {
  const requestUri = new URL(link.replace('openid4vp://', 'https://x/')).searchParams.get('request_uri');
  const origin = new URL(requestUri).origin;
  const certificate = await (await fetch(`${origin}/verifier/portefeuille/certificat.pem`)).text();
  for(const held of load().filter(h => h.issuer === origin).reverse()) {
    const answer = await present({
      request: link, credential: held.credential, holderKey: held.holderKey, issuer: origin,
      trustedCertificates: [certificate],
    }).catch(error => ({error: error?.errorResponse?.error_description || String(error)}));
    if(answer.canBeSatisfied === false) {
      continue;  // not the asked type: try the next credential
    }
    if(answer.error) {
      fail(`Refusé : ${answer.error}`);
    }
    const [response] = answer.responses;
    process.stdout.write(response.status === 200 ?
      `Présenté : ${held.name} (${answer.disclosed.join(', ')}) à ${answer.client}.\n` :
      `Refusé par le vérificateur : ${response.body.error_description}\n`);
    process.exit(response.status === 200 ? 0 : 1);
  }
  fail("Aucune attestation de ce portefeuille ne répond à la demande.");
} else {
  fail("Usage : demo-wallet.mjs recevoir '<offre>' [code] | presenter '<demande>'");
}
