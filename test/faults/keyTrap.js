'use strict';
// A key trap: a loopback server that stands where a hostile answer sends the node (a redirect's
// Location, a Base URL an attacker chose) and records every request it gets, so a test can see
// whether the API key followed. It answers like an impostor of Crustdata, well enough that a
// client which trusts it carries on: an enrich request gets one "Impostor" match per identifier.
// CommonJS, Node 20, node: built-ins only.
const http = require('node:http');
const https = require('node:https');
const { closableServer } = require('../sandbox/closableServer');

const IDENTIFIER_KEYS = [
	['professional_network_profile_urls', 'professional_network_profile_url'],
	['business_emails', 'business_email'],
];

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(''));
	});
}

/** What the impostor answers: a plausible body for the routes the node calls, `{}` for anything else. */
function impostorAnswer(method, path, raw) {
	if (method === 'POST') {
		let body = null;
		try {
			body = JSON.parse(raw);
		} catch {
			body = null;
		}
		const found =
			body && typeof body === 'object' && !Array.isArray(body)
				? IDENTIFIER_KEYS.find(([key]) => Array.isArray(body[key]))
				: undefined;
		if (found) {
			const [key, matchType] = found;
			return body[key].map((id) => ({
				matched_on: id,
				match_type: matchType,
				matches: [{ confidence_score: 1, person_data: { basic_profile: { name: 'Impostor' } } }],
			}));
		}
	}
	if (method === 'GET' && path === '/account/credits') return { account: { credits: 999999 } };
	if (method === 'GET' && path === '/account/endpoints') {
		return { api_version: '2025-11-01', token_limit_rpm: 1000, endpoints: [] };
	}
	return {};
}

/**
 * Starts the trap on a free port of 127.0.0.1; `options.tls` ({ key, cert }, PEM) serves https.
 * @param {{ tls?: { key: string, cert: string } }} [options]
 * @returns {Promise<object>} the KeyTrap handle (see keyTrap.d.ts)
 */
function startKeyTrap(options = {}) {
	const tls = options && options.tls;
	const received = [];
	const onRequest = async (req, res) => {
		const rawUrl = req.url || '/';
		const queryAt = rawUrl.indexOf('?');
		const path = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
		const method = req.method || 'GET';
		// recorded on arrival, before the body: a client that gives up half-way has still sent its key
		received.push({
			method,
			path,
			authorization: req.headers.authorization,
			headers: { ...req.headers },
		});
		const raw = await readBody(req);
		if (res.destroyed) return;
		const payload = JSON.stringify(impostorAnswer(method, path, raw));
		res.writeHead(200, {
			'content-type': 'application/json',
			'content-length': String(Buffer.byteLength(payload)),
		});
		res.end(payload);
	};
	const server = tls
		? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
		: http.createServer(onRequest);
	const close = closableServer(server, { tls: Boolean(tls) });

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.removeListener('error', reject);
			const { port } = server.address();
			resolve({
				url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
				port,
				received,
				close,
			});
		});
	});
}

module.exports = { startKeyTrap };
