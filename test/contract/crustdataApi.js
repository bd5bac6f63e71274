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

/** The request schema of a billable route. */
function requestSchema(path, generation) {
	if (path === LIVE_PATH) return liveRequest(generation);
	if (path === CONTACT_PATH) return contactRequest;
	return enrichRequest(generation);
}

/** The answer schema for a route, a status and the generation the sandbox imitated then. */
function answerSchema(path, status, generation) {
	if (status === 401) return keyRejected;
	if (ERROR_TYPES[status]) return errorBodyOf(z.literal(ERROR_TYPES[status]));
	if (status >= 400) return errorBody;
	if (path === '/account/credits') return accountCreditsAnswer;
	if (path === '/account/endpoints') return accountEndpointsAnswer;
	return path === CONTACT_PATH ? contactAnswer : enrichAnswer(generation);
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
		const parsedAnswer = answerSchema(path, status, generation).safeParse(answer.body);
		if (!parsedAnswer.success) violations.push(`${where}: the answer breaks the contract: ${describeIssues(parsedAnswer.error)}`);
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
	contractViolations,
};
