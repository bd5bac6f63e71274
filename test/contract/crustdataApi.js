// Crustdata's person-enrichment API as documented, as zod schemas: what may be sent and what
// comes back, for both API generations (the project's API notes, crustdata-api-notes.md). The tests
// hold the sandbox to it (`contractViolations`): every answer it gives must parse, and every
// request it accepted must be one the API would accept, so the sandbox cannot drift from the API
// it imitates. A dev-only module: the node itself depends on nothing.
const { z } = require('zod');

const MAX_IDENTIFIERS = 25;

const SECTIONS_BY_GENERATION = {
	1: ['basic_profile', 'professional_network', 'social_handles', 'experience', 'education', 'skills', 'contact', 'dev_platform_profiles', 'certifications', 'honors'],
	// Generation 2 moved contact data to /person/contact/enrich and added two field-access groups.
	2: ['basic_profile', 'professional_network', 'social_handles', 'experience', 'education', 'skills', 'dev_platform_profiles', 'certifications', 'honors', 'assessment', 'social_posts'],
};

/**
 * What `fields` may name in a request that gets an answer: generation 2 no longer lists
 * `contact`, but some of its accounts still take it and answer without the section.
 */
const REQUESTABLE_BY_GENERATION = { 1: SECTIONS_BY_GENERATION[1], 2: [...SECTIONS_BY_GENERATION[2], 'contact'] };

const CONTACT_TIERS = ['business_emails', 'personal_emails', 'phone_numbers', 'websites'];

/** Crustdata mixes "" and null for missing values. */
const text = z.string().nullable();

// The notes: a URL with a query string, a bare id or a non-/in/ URL fails the whole request.
const profileUrls = z.array(z.string().regex(/^https?:\/\/([a-z]{2,3}\.)?linkedin\.com\/in\/[^/?#\s]+\/?$/)).min(1).max(MAX_IDENTIFIERS);
const businessEmails = z.array(z.string().regex(/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/)).min(1).max(MAX_IDENTIFIERS);

/** A `fields` entry: a section of the generation, or a dot-path inside one. */
const fieldOf = (generation) =>
	z
		.string()
		.regex(/^[a-z_]+(\.[a-z_]+)*$/)
		.refine((field) => REQUESTABLE_BY_GENERATION[generation].includes(field.split('.')[0]), 'not a section of this API generation');

// ---- Requests ----

/** Exactly one identifier list. */
const oneIdentifierType = (body) => ['professional_network_profile_urls', 'business_emails'].filter((key) => key in body).length === 1;

// `fields` may be left out (its default is documented two ways, so the node always sends it).
function enrichRequest(generation) {
	return z
		.object({
			professional_network_profile_urls: profileUrls.optional(),
			business_emails: businessEmails.optional(),
			fields: z.array(fieldOf(generation)).min(1).optional(),
			min_similarity_score: z.number().min(0).max(1).optional(),
			preview: z.boolean().optional(),
		})
		.strict()
		.refine(oneIdentifierType, 'exactly one of professional_network_profile_urls and business_emails')
		.refine((body) => body.min_similarity_score === undefined || (generation === 1 && 'business_emails' in body), 'min_similarity_score is for email lookups on generation 1');
}

const liveRequest = (generation) =>
	z
		.object({
			professional_network_profile_urls: profileUrls,
			fields: z.array(fieldOf(generation)).min(1).optional(),
			preview: z.boolean().optional(),
		})
		.strict();

const contactRequest = z
	.object({
		professional_network_profile_urls: profileUrls.optional(),
		business_emails: businessEmails.optional(),
		fields: z.array(z.enum(CONTACT_TIERS.map((tier) => `contact.${tier}`))).min(1).optional(),
		verified: z.boolean().optional(),
	})
	.strict()
	.refine(oneIdentifierType, 'exactly one of professional_network_profile_urls and business_emails');

// ---- Answers ----

const emailRecord = z
	.object({
		email: z.string(),
		status: z.enum(['deliverable', 'catch_all', 'invalid', 'unknown']),
		last_updated: text.optional(),
		crustdata_company_id: z.number().nullable().optional(),
	})
	.strict();

const contactSection = z
	.object({
		business_emails: z.array(emailRecord).optional(),
		personal_emails: z.array(emailRecord).optional(),
		phone_numbers: z.array(z.string()).optional(),
		websites: z.array(z.string()).optional(),
		business_emails_message: z.string().optional(),
	})
	.strict();

const location = z.object({ raw: text.optional(), city: text.optional(), state: text.optional(), country: text.optional(), continent: text.optional() }).passthrough();

// Dot-paths ask for parts of a section, so every key of one may be missing.
const job = z
	.object({
		name: text.optional(),
		title: text.optional(),
		company_website_domain: text.optional(),
		seniority_level: text.optional(),
		is_default: z.boolean().optional(),
	})
	.passthrough();

/** The sections that may come back; their inner shape as the notes give it. */
const sectionShapes = {
	basic_profile: z
		.object({ name: text.optional(), first_name: text.optional(), last_name: text.optional(), headline: text.optional(), current_title: text.optional(), location: location.optional() })
		.passthrough(),
	professional_network: z.object({ connections: z.number().nullable().optional(), followers: z.number().nullable().optional() }).passthrough(),
	social_handles: z
		.object({
			professional_network_identifier: z.object({ profile_url: text.optional() }).passthrough().optional(),
			dev_platform_identifier: z.object({ profile_url: text.optional() }).passthrough().optional(),
			twitter_identifier: z.object({ slug: text.optional() }).passthrough().optional(),
		})
		.passthrough(),
	experience: z.object({ employment_details: z.object({ current: z.array(job).optional(), past: z.array(job).optional() }).passthrough() }).passthrough(),
	education: z.object({ schools: z.array(z.object({ school: text.optional() }).passthrough()).optional() }).passthrough(),
	skills: z.object({ professional_network_skills: z.array(z.string()).optional() }).passthrough(),
	contact: contactSection,
	dev_platform_profiles: z.array(z.object({ profile_url: text.optional() }).passthrough()),
	certifications: z.array(z.object({ name: text.optional() }).passthrough()),
	honors: z.array(z.object({ title: text.optional() }).passthrough()),
	assessment: z.record(z.unknown()),
	social_posts: z.array(z.unknown()),
};

/**
 * `person_data` of a generation's endpoint: only that generation's sections, plus the person's
 * id. Generation 2 lists no contact, but one of its states still returned stored business emails.
 */
function personData(generation) {
	const shape = { crustdata_person_id: z.number().optional() };
	for (const section of SECTIONS_BY_GENERATION[generation]) shape[section] = sectionShapes[section].optional();
	if (generation === 2) shape.contact = z.object({ business_emails: z.array(emailRecord) }).strict().optional();
	return z.object(shape).strict();
}

const entry = (person) =>
	z
		.object({
			matched_on: z.string(),
			match_type: z.enum(['professional_network_profile_url', 'business_email']),
			match_status: z.enum(['matched', 'not_found', 'redacted']).optional(),
			matches: z.array(z.object({ confidence_score: z.number().min(0).max(1), person_data: person }).strict()),
		})
		.strict();

/** A top-level array, one entry per identifier, no wrapper. */
const enrichAnswer = (generation) => z.array(entry(personData(generation)));

const contactAnswer = z.array(entry(z.object({ crustdata_person_id: z.number().optional(), contact: contactSection }).strict()));

const errorBodyOf = (type) =>
	z.object({ error: z.object({ type, message: z.string().min(1), metadata: z.union([z.array(z.unknown()), z.record(z.unknown())]) }).strict() }).strict();

const errorBody = errorBodyOf(z.string().min(1));

/** The error types the notes name for a status. */
const ERROR_TYPES = { 402: 'insufficient_credits', 403: 'permission_error' };

/** 401 is the one error with another shape. */
const keyRejected = z.object({ message: z.string().min(1) }).strict();

const accountEndpointsAnswer = z
	.object({
		api_version: z.string(),
		token_limit_rpm: z.number().int().positive().nullable(),
		endpoints: z.array(
			z
				.object({
					path: z.string().startsWith('/'),
					category: z.string(),
					status: z.enum(['enabled', 'not_enabled', 'disabled']),
					effective_rate_limit_rpm: z.number().int().positive().nullable(),
					fields: z.object({ enabled: z.array(z.string()), disabled: z.array(z.string()) }).strict(),
				})
				.strict(),
		),
	})
	.strict();

const accountCreditsAnswer = z
	.object({
		account: z
			.object({
				credits: z.number().min(0),
				recurring_credits: z.number().optional(),
				recurring_credits_frequency: z.string().nullable().optional(),
				recurring_credits_refresh_date: z.string().nullable().optional(),
				credit_rollover: z.union([z.boolean(), z.number()]).optional(),
			})
			.strict(),
	})
	.strict();

const numericHeader = z.string().regex(/^\d+(\.\d+)?$/);
const rateLimitHeaders = z.object({ 'x-ratelimit-limit': numericHeader, 'x-ratelimit-remaining': numericHeader, 'x-ratelimit-reset': numericHeader }).passthrough();

const ENRICH_PATH = '/person/enrich';
const LIVE_PATH = '/person/professional_network/enrich/live';
const CONTACT_PATH = '/person/contact/enrich';
const BILLABLE_PATHS = [ENRICH_PATH, LIVE_PATH, CONTACT_PATH];

// ---- Batch jobs (the notes' "Async batch jobs"; the list's shape from Crustdata's batch API reference) ----

const BATCH_SUBMIT_PATH = '/batch/person/enrich';
const BATCH_CONTACT_SUBMIT_PATH = '/batch/person/contact/enrich';
const BATCH_LIST_PATH = '/batch';
const MAX_BATCH_IDENTIFIERS = 10000;
const MAX_CONTACT_BATCH_IDENTIFIERS = 300;
/** The contact batch's own `fields` vocabulary ("Contact in batch"): no websites, no contact.* paths. */
const BATCH_CONTACT_FIELDS = ['business_email', 'personal_contact_info', 'personal_contact_info.personal_emails', 'personal_contact_info.phone_numbers'];
const BATCH_STATUSES = ['pending', 'processing', 'completed', 'failed'];

/** Which batch exchange a request is: 'submit' (of either kind), 'status', 'list' or null. */
function batchRouteOf(method, path) {
	if (method === 'POST' && (path === BATCH_SUBMIT_PATH || path === BATCH_CONTACT_SUBMIT_PATH)) return 'submit';
	if (method === 'GET' && path === BATCH_LIST_PATH) return 'list';
	if (method === 'GET' && /^\/batch\/[^/]+$/.test(path)) return 'status';
	return null;
}

/** The pieces of one comma-separated string (trimmed, empty ones dropped). */
const splitCommas = (text) =>
	text
		.split(',')
		.map((piece) => piece.trim())
		.filter((piece) => piece !== '');

/** A list the batch API takes as an array or as one comma-separated string, `min` to `max` entries. */
const listOrCommas = (item, min, max) => {
	const list = z.array(item).min(min).max(max);
	return z.union([list, z.string().transform(splitCommas).pipe(list)]);
};

/** The identifiers a submit body carries, as the API splits them; [] when there are none. */
function batchIdentifiers(body) {
	for (const key of ['professional_network_profile_urls', 'business_emails']) {
		const value = body && body[key];
		if (Array.isArray(value)) return value;
		if (typeof value === 'string') return splitCommas(value);
	}
	return [];
}

// Identifiers are not checked here: the notes say a batch job leaves out what matches nobody, and
// say nothing of a malformed identifier failing the job (unlike the synchronous endpoint).
const batchIdentifierList = listOrCommas(z.string().min(1), 1, MAX_BATCH_IDENTIFIERS);

/** POST /batch/person/enrich: one identifier type, 1 to 10,000; no min_similarity_score, preview or verified. */
const batchSubmitRequest = (generation) =>
	z
		.object({
			professional_network_profile_urls: batchIdentifierList.optional(),
			business_emails: batchIdentifierList.optional(),
			fields: listOrCommas(fieldOf(generation), 0, Infinity).optional(),
			chunk_size: z.number().int().min(10).max(1000).optional(),
			webhook_url: z.string().url().optional(),
		})
		.strict()
		.refine(oneIdentifierType, 'exactly one of professional_network_profile_urls and business_emails');

/**
 * POST /batch/person/contact/enrich (generation 2): profile URLs only, 1 to 300, and a required
 * `fields` list in its own vocabulary; no chunk_size is documented for it.
 */
const batchContactSubmitRequest = z
	.object({
		professional_network_profile_urls: listOrCommas(z.string().min(1), 1, MAX_CONTACT_BATCH_IDENTIFIERS),
		fields: listOrCommas(z.enum(BATCH_CONTACT_FIELDS), 1, Infinity),
		webhook_url: z.string().url().optional(),
	})
	.strict();

const count = z.number().int().min(0);
const timestamp = z.string().datetime({ offset: true });

/** A submit's answer; `action` and the most identifiers per job differ by kind. */
const submitAnswerOf = (action, maxIdentifiers) =>
	z
		.object({
			batch_id: z.string().min(1),
			status: z.literal('pending'),
			entity: z.literal('person'),
			action,
			identifier_count: count.min(1).max(maxIdentifiers),
			entities_requested: count,
			status_url: z.string(),
		})
		.strict()
		.refine((answer) => answer.status_url === `/batch/${answer.batch_id}`, { message: 'status_url is not /batch/<batch_id>', path: ['status_url'] })
		.refine((answer) => answer.entities_requested === answer.identifier_count, { message: 'entities_requested is not identifier_count', path: ['entities_requested'] });

const batchSubmitAnswer = submitAnswerOf(z.literal('enrich'), MAX_BATCH_IDENTIFIERS);
// the notes do not name a contact job's action
const batchContactSubmitAnswer = submitAnswerOf(z.string().min(1), MAX_CONTACT_BATCH_IDENTIFIERS);

/** One job as GET /batch/{batch_id} and the list show it; the list's documented jobs carry no links. */
const batchJobFields = {
	batch_id: z.string().min(1),
	status: z.enum(BATCH_STATUSES),
	entity: z.string().min(1),
	action: z.string().min(1),
	identifier_count: count,
	result_count: count,
	entities_requested: count,
	entities_fulfilled: count,
	created_at: timestamp,
	completed_at: timestamp.optional(),
	download_url: z.string().url().optional(),
	download_urls: z.array(z.string().url()).optional(),
	error_message: z.string().optional(),
};

/** The notes: completed_at, download_url and download_urls only once completed (completed_at also on failure), error_message only when failed. */
function batchJobRules(job, context) {
	const issue = (path, message) => context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
	const finished = job.status === 'completed' || job.status === 'failed';
	if (job.completed_at !== undefined && !finished) issue('completed_at', `completed_at on a ${job.status} job`);
	for (const key of ['download_url', 'download_urls']) if (job[key] !== undefined && job.status !== 'completed') issue(key, `${key} on a ${job.status} job`);
	if (job.error_message !== undefined && job.status !== 'failed') issue('error_message', `error_message on a ${job.status} job`);
	if (job.status === 'failed' && job.error_message === undefined) issue('error_message', 'a failed job without error_message');
	// a person enrichment job delivers at most one record per identifier sent
	if (job.entity === 'person' && job.action === 'enrich' && job.entities_fulfilled > job.entities_requested) {
		issue('entities_fulfilled', 'more entities fulfilled than requested');
	}
}

const batchListJob = z.object(batchJobFields).strict().superRefine(batchJobRules);

const batchStatusAnswer = z
	.object(batchJobFields)
	.strict()
	.superRefine((job, context) => {
		batchJobRules(job, context);
		// a completed job with records names its files; with none it may (a link that 404s)
		if (job.status === 'completed' && job.result_count > 0 && (job.download_url === undefined || !job.download_urls || job.download_urls.length === 0)) {
			context.addIssue({ code: z.ZodIssueCode.custom, path: ['download_urls'], message: 'a completed job with records and no download links' });
		}
	});

/** GET /batch: the account's jobs, newest first, a page at a time. */
const batchListAnswer = z
	.object({ jobs: z.array(batchListJob), next_cursor: z.string().min(1).nullable(), has_more: z.boolean() })
	.strict()
	.refine((answer) => answer.has_more === (answer.next_cursor !== null), { message: 'has_more and next_cursor disagree', path: ['has_more'] });

/**
 * One line of a results file: `data` is the bare person_data (no confidence_score), always with
 * the default basic_profile and social_handles, and internal_id is its crustdata_person_id.
 */
const batchRecord = (generation) =>
	z
		.object({ original_identifier: z.string(), internal_id: z.number(), data: personData(generation) })
		.strict()
		.superRefine((record, context) => {
			for (const section of ['basic_profile', 'social_handles']) {
				if (record.data[section] === undefined) context.addIssue({ code: z.ZodIssueCode.custom, path: ['data', section], message: `no ${section} (a default section)` });
			}
			const id = record.data.crustdata_person_id;
			if (id !== undefined && id !== record.internal_id) context.addIssue({ code: z.ZodIssueCode.custom, path: ['internal_id'], message: 'internal_id is not data.crustdata_person_id' });
		});

/** A contact batch's email: `{ email, status }` (the notes quote nothing more). */
const batchContactEmail = z.object({ email: z.string(), status: z.enum(['deliverable', 'catch_all', 'invalid', 'unknown']) }).strict();

/** A contact record's `data`: the person, and the requested parts only (a part with nothing found is []). */
const batchContactData = z
	.object({
		professional_network_url: z.string(),
		person_id: z.number(),
		business_email: z.array(batchContactEmail).optional(),
		personal_contact_info: z
			.object({ personal_emails: z.array(batchContactEmail).optional(), phone_numbers: z.array(z.string()).optional() })
			.strict()
			.optional(),
	})
	.strict();

/**
 * One line of a contact batch's results: the `{ original_identifier, internal_id, data }`
 * envelope, or (as one live-verified client saw it) the bare `data`; read both.
 */
const batchContactRecord = z.union([
	z
		.object({ original_identifier: z.string(), internal_id: z.number(), data: batchContactData })
		.strict()
		.refine((record) => record.internal_id === record.data.person_id, { message: 'internal_id is not data.person_id', path: ['internal_id'] }),
	batchContactData,
]);

/** The error types the notes and the reference name for a batch route's status. */
const BATCH_ERROR_TYPES = { 404: 'not_found', 429: 'rate_limit_exceeded' };

/** The request schema of a billable route. */
function requestSchema(path, generation) {
	if (path === LIVE_PATH) return liveRequest(generation);
	if (path === CONTACT_PATH) return contactRequest;
	return enrichRequest(generation);
}

/** The answer schema for a route, a status and the generation the sandbox imitated then. */
function answerSchema(method, path, status, generation) {
	const batch = batchRouteOf(method, path);
	if (status === 401) return keyRejected;
	if (ERROR_TYPES[status]) return errorBodyOf(z.literal(ERROR_TYPES[status]));
	if (batch && BATCH_ERROR_TYPES[status]) return errorBodyOf(z.literal(BATCH_ERROR_TYPES[status]));
	if (status >= 400) return errorBody;
	if (batch === 'submit') return path === BATCH_CONTACT_SUBMIT_PATH ? batchContactSubmitAnswer : batchSubmitAnswer;
	if (batch === 'status') return batchStatusAnswer;
	if (batch === 'list') return batchListAnswer;
	if (path === '/account/credits') return accountCreditsAnswer;
	if (path === '/account/endpoints') return accountEndpointsAnswer;
	return path === CONTACT_PATH ? contactAnswer : enrichAnswer(generation);
}

/** An accepted submit the API would refuse, an answer that counts other identifiers, a status of another job. */
function batchExchangeViolations(where, route, exchange, answerParsed) {
	const { path, status, answer } = exchange;
	if (status >= 300) return [];
	const violations = [];
	if (route === 'submit') {
		const contact = path === BATCH_CONTACT_SUBMIT_PATH;
		const parsedRequest = (contact ? batchContactSubmitRequest : batchSubmitRequest(exchange.apiGeneration)).safeParse(exchange.body);
		if (!parsedRequest.success) violations.push(`${where}: accepted a request the API refuses: ${describeIssues(parsedRequest.error)}`);
		if (contact && exchange.apiGeneration !== 2) violations.push(`${where}: accepted a contact batch on generation ${exchange.apiGeneration} (generation-2 accounts only)`);
		if (exchange.headers['x-api-version'] === undefined) violations.push(`${where}: accepted a submit without x-api-version`);
		const sent = batchIdentifiers(exchange.body).length;
		if (answerParsed && answer.body.identifier_count !== sent) violations.push(`${where}: identifier_count ${answer.body.identifier_count} for ${sent} identifiers sent`);
	}
	if (route === 'status' && answerParsed) {
		let asked = path.slice('/batch/'.length);
		try {
			asked = decodeURIComponent(asked);
		} catch {
			// a malformed escape stays as sent
		}
		if (answer.body.batch_id !== asked) violations.push(`${where}: answers for batch ${answer.body.batch_id}, not ${asked}`);
	}
	return violations;
}

const describeIssues = (error) => error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');

/** Each entry answers one identifier as sent (`matched_on` echoes it exactly), with the match type of its list. */
function echoViolations(where, request, entries) {
	const [key, matchType] =
		'business_emails' in request ? ['business_emails', 'business_email'] : ['professional_network_profile_urls', 'professional_network_profile_url'];
	const sent = new Set(request[key]);
	return entries
		.filter((entry) => !sent.has(entry.matched_on) || entry.match_type !== matchType)
		.map((entry) => `${where}: an entry for "${entry.matched_on}" (${entry.match_type}) answers nothing that was sent as ${key}`);
}

/**
 * What in a sandbox's exchanges breaks the contract: answers that do not parse, accepted
 * requests the API would refuse, billable answers without their headers. Scripted answers (a
 * test's forced responses) and dropped or pending requests are left out. [] when all hold.
 */
function contractViolations(exchanges) {
	const violations = [];
	for (const exchange of exchanges) {
		const { method, path, status, answer, apiGeneration: generation } = exchange;
		if (exchange.scripted || typeof status !== 'number') continue;
		const where = `${method} ${path} → ${status}`;
		if (!answer) {
			violations.push(`${where}: answered without a recorded answer`);
			continue;
		}
		const parsedAnswer = answerSchema(method, path, status, generation).safeParse(answer.body);
		if (!parsedAnswer.success) violations.push(`${where}: the answer breaks the contract: ${describeIssues(parsedAnswer.error)}`);
		const batch = batchRouteOf(method, path);
		if (batch) violations.push(...batchExchangeViolations(where, batch, exchange, parsedAnswer.success));
		if (!BILLABLE_PATHS.includes(path)) continue;
		if (status < 300) {
			const parsedRequest = requestSchema(path, generation).safeParse(exchange.body);
			if (!parsedRequest.success) violations.push(`${where}: accepted a request the API refuses: ${describeIssues(parsedRequest.error)}`);
			if (!numericHeader.safeParse(answer.headers['x-credits-used']).success) violations.push(`${where}: no x-credits-used header`);
			if (parsedRequest.success && parsedAnswer.success) violations.push(...echoViolations(where, exchange.body, answer.body));
		}
		if (status !== 401 && !rateLimitHeaders.safeParse(answer.headers).success) violations.push(`${where}: no x-ratelimit-* headers`);
	}
	return violations;
}

/**
 * What in a results file breaks `schema`, one line each. `input`: the file's text (JSON lines,
 * each ended by `\n`), or its records as lines or parsed values; `recordViolation(record)`: a
 * further violation of a record that parsed, or null.
 */
function recordViolations(input, schema, recordViolation) {
	const violations = [];
	let lines = input;
	if (typeof input === 'string') {
		if (input !== '' && !input.endsWith('\n')) violations.push('the last line is not ended by \\n');
		lines = input.split('\n');
		if (lines[lines.length - 1] === '') lines.pop();
	}
	lines.forEach((line, index) => {
		const where = `record ${index + 1}`;
		let record = line;
		if (typeof line === 'string') {
			try {
				record = JSON.parse(line);
			} catch {
				violations.push(`${where}: not a JSON line: ${JSON.stringify(line.slice(0, 60))}`);
				return;
			}
		}
		const parsed = schema.safeParse(record);
		if (!parsed.success) violations.push(`${where}: breaks the contract: ${describeIssues(parsed.error)}`);
		else {
			const violation = recordViolation(record);
			if (violation) violations.push(`${where}: ${violation}`);
		}
	});
	return violations;
}

/** An envelope's original_identifier that is none of the identifiers sent (`sent` null: not checked). */
const echoViolation = (sent, record) =>
	sent && 'original_identifier' in record && !sent.has(record.original_identifier) ? `"${record.original_identifier}" is no identifier the job was sent` : null;

/**
 * What in a batch job's downloaded results breaks the contract, one line each; [] when all hold.
 * `input`: the results file's text (JSON lines, each ended by `\n`), or its records as lines or
 * parsed values. `options.generation` (default 1) is the account's API generation;
 * `options.identifiers`, when given, are what the job was sent (each record must echo one).
 */
function batchRecordViolations(input, options = {}) {
	const sent = options.identifiers ? new Set(options.identifiers) : null;
	return recordViolations(input, batchRecord(options.generation || 1), (record) => echoViolation(sent, record));
}

/** The contact parts a record must carry for the `fields` of its job, as `business_email` and `personal_contact_info.<part>` paths. */
function contactPartsOf(fields) {
	const parts = new Set();
	for (const field of fields) {
		if (field === 'business_email') parts.add('business_email');
		if (field === 'personal_contact_info' || field === 'personal_contact_info.personal_emails') parts.add('personal_contact_info.personal_emails');
		if (field === 'personal_contact_info' || field === 'personal_contact_info.phone_numbers') parts.add('personal_contact_info.phone_numbers');
	}
	return [...parts].sort();
}

/**
 * What in a contact batch job's downloaded results breaks the contract, as batchRecordViolations
 * says it, for either record shape. `options.identifiers`: what the job was sent (an envelope must
 * echo one); `options.fields`: what it asked for (a record must carry exactly those parts).
 */
function batchContactRecordViolations(input, options = {}) {
	const sent = options.identifiers ? new Set(options.identifiers) : null;
	const wanted = options.fields ? contactPartsOf(options.fields) : null;
	return recordViolations(input, batchContactRecord, (record) => {
		const echo = echoViolation(sent, record);
		if (echo || !wanted) return echo;
		const data = 'data' in record ? record.data : record;
		const carried = contactPartsOf([
			...(data.business_email ? ['business_email'] : []),
			...Object.keys(data.personal_contact_info || {}).map((part) => `personal_contact_info.${part}`),
		]);
		return carried.join() === wanted.join() ? null : `carries ${carried.join(', ') || 'no contact part'}, not the ${wanted.join(', ')} asked for`;
	});
}

module.exports = {
	SECTIONS_BY_GENERATION,
	enrichRequest,
	liveRequest,
	contactRequest,
	enrichAnswer,
	contactAnswer,
	errorBody,
	keyRejected,
	accountEndpointsAnswer,
	accountCreditsAnswer,
	batchSubmitRequest,
	batchSubmitAnswer,
	batchContactSubmitRequest,
	batchContactSubmitAnswer,
	batchStatusAnswer,
	batchListAnswer,
	batchRecord,
	batchContactRecord,
	contractViolations,
	batchRecordViolations,
	batchContactRecordViolations,
};
