#!/usr/bin/env node
'use strict';
/*
 * Start the Crustdata sandbox from the command line (or from another test process).
 *   node test/sandbox/cli.js
 * Environment: see README.md in this folder.
 */

const fs = require('node:fs');
const { startSandbox, DEFAULT_SANDBOX_KEY } = require('./server');

const env = process.env;
const has = (name) => env[name] !== undefined && env[name] !== '';
const num = (name) => {
	const v = Number(env[name]);
	if (!Number.isFinite(v)) {
		process.stderr.write(`${name} must be a number, got ${JSON.stringify(env[name])}\n`);
		process.exit(2);
	}
	return v;
};
const bool = (name) => ['1', 'true', 'yes', 'on'].includes(String(env[name]).toLowerCase());

const options = { port: has('SANDBOX_PORT') ? num('SANDBOX_PORT') : 0 };
options.apiKey = has('SANDBOX_API_KEY') ? env.SANDBOX_API_KEY : DEFAULT_SANDBOX_KEY;
if (has('SANDBOX_API_VERSION')) options.apiVersion = env.SANDBOX_API_VERSION;
if (has('SANDBOX_LATENCY_MS')) options.latencyMs = num('SANDBOX_LATENCY_MS');
if (
	has('SANDBOX_RATE_LIMIT') &&
	['off', 'none', 'null', '0'].includes(env.SANDBOX_RATE_LIMIT.toLowerCase())
) {
	options.rateLimit = null;
} else if (has('SANDBOX_RATE_LIMIT') || has('SANDBOX_RATE_WINDOW_MS')) {
	options.rateLimit = {};
	if (has('SANDBOX_RATE_LIMIT')) options.rateLimit.limit = num('SANDBOX_RATE_LIMIT');
	if (has('SANDBOX_RATE_WINDOW_MS')) options.rateLimit.windowMs = num('SANDBOX_RATE_WINDOW_MS');
}
if (has('SANDBOX_CREDIT_BUDGET')) options.creditBudget = num('SANDBOX_CREDIT_BUDGET');
if (has('SANDBOX_SERVER_ERROR_RATE')) options.serverErrorRate = num('SANDBOX_SERVER_ERROR_RATE');
if (has('SANDBOX_DROP_RATE')) options.dropRate = num('SANDBOX_DROP_RATE');
if (has('SANDBOX_SHUFFLE')) options.shuffle = bool('SANDBOX_SHUFFLE');
if (has('SANDBOX_SEED')) options.seed = num('SANDBOX_SEED');
if (has('SANDBOX_PREVIEW_ENABLED')) options.previewEnabled = bool('SANDBOX_PREVIEW_ENABLED');
if (has('SANDBOX_LIVE_ENABLED')) options.liveEnabled = bool('SANDBOX_LIVE_ENABLED');
if (env.SANDBOX_GATED_SECTIONS !== undefined) {
	options.gatedSections = env.SANDBOX_GATED_SECTIONS.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}
if (has('SANDBOX_NOT_FOUND_404')) options.notFoundAs404 = bool('SANDBOX_NOT_FOUND_404');
if (has('SANDBOX_EMAIL_LOOKUP')) options.emailLookupEnabled = bool('SANDBOX_EMAIL_LOOKUP');
if (has('SANDBOX_UNNAMED_BAD_REQUESTS'))
	options.unnamedBadRequests = bool('SANDBOX_UNNAMED_BAD_REQUESTS');
if (env.SANDBOX_ENDPOINT_RATE_LIMITS !== undefined) {
	// /person/enrich=60,/person/professional_network/enrich/live=10
	options.endpointRateLimits = {};
	for (const pair of env.SANDBOX_ENDPOINT_RATE_LIMITS.split(',')) {
		if (pair.trim() === '') continue;
		const at = pair.lastIndexOf('=');
		const path = at > 0 ? pair.slice(0, at).trim() : '';
		const value = at > 0 ? pair.slice(at + 1).trim() : '';
		if (path === '' || value === '' || !Number.isFinite(Number(value))) {
			process.stderr.write(
				`SANDBOX_ENDPOINT_RATE_LIMITS must be path=limit pairs separated by commas, got ${JSON.stringify(pair)}\n`,
			);
			process.exit(2);
		}
		options.endpointRateLimits[path] = Number(value);
	}
}
if (has('SANDBOX_TOKEN_RATE_LIMIT')) {
	options.tokenRateLimit = ['off', 'none', 'null'].includes(
		env.SANDBOX_TOKEN_RATE_LIMIT.toLowerCase(),
	)
		? null
		: num('SANDBOX_TOKEN_RATE_LIMIT');
}
if (has('SANDBOX_REPORT_RATE_LIMITS'))
	options.reportRateLimits = bool('SANDBOX_REPORT_RATE_LIMITS');
if (env.SANDBOX_DISABLED_ENDPOINTS !== undefined) {
	options.disabledEndpoints = env.SANDBOX_DISABLED_ENDPOINTS.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

if (has('SANDBOX_API_GENERATION')) options.apiGeneration = num('SANDBOX_API_GENERATION');
if (has('SANDBOX_CONTACT_ON_ENRICH')) options.contactOnEnrich = env.SANDBOX_CONTACT_ON_ENRICH;
if (env.SANDBOX_GRANTED_SECTIONS !== undefined) {
	options.grantedSections = env.SANDBOX_GRANTED_SECTIONS.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

// the batch jobs' schedule: SANDBOX_BATCH_PROCESSING_MS=2000 and the like
const BATCH_ENV = {
	SANDBOX_BATCH_PENDING_MS: 'pendingMs',
	SANDBOX_BATCH_PROCESSING_MS: 'processingMs',
	SANDBOX_BATCH_PER_IDENTIFIER_MS: 'perIdentifierMs',
	SANDBOX_BATCH_PART_RECORDS: 'partRecords',
	SANDBOX_BATCH_MAX_ACTIVE: 'maxActive',
};
for (const [name, key] of Object.entries(BATCH_ENV)) {
	if (has(name)) options.batch = { ...options.batch, [key]: num(name) };
}

let started;
try {
	started = startSandbox(options);
} catch (err) {
	// an option value startSandbox refuses (apiGeneration, contactOnEnrich, batch)
	process.stderr.write(`Crustdata sandbox failed to start: ${err.message}\n`);
	process.exit(2);
}

started.then(
	(sandbox) => {
		process.stdout.write(
			`Crustdata sandbox listening on ${sandbox.url} (API key: ${sandbox.apiKey})\n`,
		);
		process.stdout.write(`Batch job results served from ${sandbox.resultsUrl}\n`);
		if (has('SANDBOX_URL_FILE')) fs.writeFileSync(env.SANDBOX_URL_FILE, sandbox.url);
		let closing = false;
		const stop = () => {
			if (closing) return;
			closing = true;
			sandbox.close().then(() => process.exit(0));
		};
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	},
	(err) => {
		process.stderr.write(`Crustdata sandbox failed to start: ${err.message}\n`);
		process.exit(1);
	},
);
