'use strict';
/*
 * Deterministic synthetic dataset for the Crustdata sandbox.
 *
 * Pure functions only: every person is generated from a hash of the (lowercased) identifier,
 * so the same identifier always yields the same person, in any process.
 *
 * Rules (see README.md):
 *   profile URL slug  nomatch* -> not_found, redacted* -> redacted, else 1 candidate (1.0);
 *                     nocontact* / fullcontact* / undeliverable* fix the contact data
 *   email local part  nomatch* -> not_found, redacted* -> redacted,
 *                     multi*   -> 3 candidates scored 0.62, 0.97, 0.35 (in that order), all at
 *                                 the email's company,
 *                     mixed*   -> 3 candidates scored 0.93, 0.71, 0.48 (in that order): one who
 *                                 works elsewhere, the one at the email's company (who owns the
 *                                 address), one with no current employer,
 *                     else 1 candidate scored 0.80..1.00 (from the hash), at the email's
 *                     company, but for the prefixes that give the employer-domain check its
 *                     other cases:
 *                     elsewhere*  -> every current employer another company; the email's
 *                                    company is the latest past job
 *                     unemployed* -> no current employer (`current: []`); the email's company
 *                                    is the latest past job
 *                     lookalike*  -> at the same name on another public suffix
 *                                    (acme.co.uk -> acme.com, acme.com -> acme.co.uk)
 *                     sidejob*    -> as elsewhere*, plus a current job at a company with no
 *                                    website domain on record
 *   email domain      the email's company is its domain with the mail-host and region labels
 *                     of SUBDOMAIN_LABELS stripped (mail.acme.io, eu.acme.io -> acme.io); any
 *                     other subdomain stays (shop.acme.io)
 *
 * Field names depend on the API generation: generation 1 has `contact` on /person/enrich,
 * generation 2 has no `contact` but `assessment` and `social_posts`. Every person carries all
 * of them (the same data on both generations); the server only lets through what the
 * generation knows.
 */

const L = 'leaf';

const LOCATION = { raw: L, city: L, state: L, country: L, continent: L };
const EMAIL_RECORD = { email: L, status: L, last_updated: L };
/** Status of a business or personal email record. */
const EMAIL_STATUSES = Object.freeze(['deliverable', 'catch_all', 'invalid', 'unknown']);
const EMPLOYMENT = {
	name: L,
	title: L,
	start_date: L,
	end_date: L,
	company_website_domain: L,
	crustdata_company_id: L,
	seniority_level: L,
	location: { raw: L },
	position_id: L,
	company_professional_network_profile_url: L,
	years_at_company: L,
	years_at_company_raw: L,
	is_default: L,
};

/** Shape of person_data. Objects are nested keys, a one-element array is an array of objects. */
const SCHEMA = {
	crustdata_person_id: L,
	updated_at: L,
	basic_profile: {
		name: L,
		first_name: L,
		last_name: L,
		headline: L,
		current_title: L,
		normalized_title: L,
		summary: L,
		languages: L,
		professional_network_name: L,
		location: LOCATION,
		profile_picture_permalink: L,
		last_updated: L,
	},
	professional_network: {
		profile_picture_permalink: L,
		connections: L,
		followers: L,
		pronoun: L,
		open_to_cards: L,
		location: LOCATION,
		metadata: { last_scraped_source: L },
	},
	social_handles: {
		professional_network_identifier: { profile_url: L },
		dev_platform_identifier: { profile_url: L },
		twitter_identifier: { slug: L },
	},
	experience: { employment_details: { current: [EMPLOYMENT], past: [EMPLOYMENT] } },
	education: {
		schools: [{ school: L, degree: L, field_of_study: L, start_year: L, end_year: L }],
	},
	skills: { professional_network_skills: L },
	contact: {
		business_emails: [EMAIL_RECORD],
		personal_emails: [EMAIL_RECORD],
		phone_numbers: L,
		websites: L,
	},
	dev_platform_profiles: [
		{
			profile_url: L,
			login: L,
			name: L,
			bio: L,
			company: L,
			location: L,
			followers: L,
			following: L,
			public_repo_count: L,
			total_stars: L,
			repos: [{ name: L, url: L, description: L, language: L, stars: L, forks: L }],
		},
	],
	certifications: [
		{
			name: L,
			issuing_organization: L,
			issue_date: L,
			expiration_date: L,
			credential_url: L,
			credential_id: L,
		},
	],
	honors: [{ title: L, issuer: L, issued_date: L, description: L }],
	// generation 2 only
	assessment: { score: L, summary: L, seniority_level: L, strengths: L, last_updated: L },
	social_posts: [
		{ post_id: L, permalink: L, text: L, posted_at: L, reactions: L, comments: L },
	],
};

/** The sections of generation 1 (the reference page), in the API's order. */
const SECTION_NAMES = Object.freeze([
	'basic_profile',
	'professional_network',
	'social_handles',
	'experience',
	'education',
	'skills',
	'contact',
	'dev_platform_profiles',
	'certifications',
	'honors',
]);

/** Generation 2: no `contact` (moved to /person/contact/enrich), `assessment` and `social_posts` added. */
const GENERATION_2_SECTION_NAMES = Object.freeze(
	SECTION_NAMES.filter((s) => s !== 'contact').concat(['assessment', 'social_posts']),
);

/** Generation-2 sections that need field access (granted per account). */
const FIELD_ACCESS_SECTIONS = Object.freeze(['assessment', 'social_posts']);

/** The only `fields` of POST /person/contact/enrich (generation 2), one per tier. */
const CONTACT_FIELDS = Object.freeze([
	'contact.business_emails',
	'contact.personal_emails',
	'contact.phone_numbers',
	'contact.websites',
]);

/** Section names of an API generation (1, the default, or 2). */
function sectionNames(generation = 1) {
	return generation === 2 ? GENERATION_2_SECTION_NAMES : SECTION_NAMES;
}

/** Top-level scalar keys that may also be named in `fields`. */
const TOP_LEVEL_KEYS = Object.freeze(['crustdata_person_id', 'updated_at']);

function collectPaths(prefix, node, out) {
	const obj = Array.isArray(node) ? node[0] : node;
	if (!obj || typeof obj !== 'object') return;
	for (const key of Object.keys(obj)) {
		const path = `${prefix}.${key}`;
		out.push(path);
		collectPaths(path, obj[key], out);
	}
}

const cachedPaths = new Map();
/**
 * All section names of the generation (default 1), the two top-level keys, and every valid dot
 * path inside those sections.
 */
function validFieldPaths(generation = 1) {
	const sections = sectionNames(generation);
	if (!cachedPaths.has(sections)) {
		const out = [...sections, ...TOP_LEVEL_KEYS];
		for (const section of sections) collectPaths(section, SCHEMA[section], out);
		cachedPaths.set(sections, Object.freeze(out));
	}
	return cachedPaths.get(sections).slice();
}

/**
 * True when `field` is a section name of the generation (default 1), a top-level key or a dot
 * path that exists in SCHEMA inside such a section.
 */
function isValidField(field, generation = 1) {
	if (typeof field !== 'string' || field === '') return false;
	const head = field.split('.')[0];
	if (!sectionNames(generation).includes(head) && !TOP_LEVEL_KEYS.includes(head)) return false;
	let node = SCHEMA;
	for (const seg of field.split('.')) {
		if (Array.isArray(node)) node = node[0];
		if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, seg)) {
			return false;
		}
		node = node[seg];
	}
	return true;
}

/* ------------------------------------------------------------------ hashing */

function fnv1a(str) {
	let h = 0x811c9dc5;
	for (let i = 0; i < str.length; i++) {
		h ^= str.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

function mulberry32(seed) {
	let a = seed >>> 0;
	return function next() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function makeRng(key) {
	const rand = mulberry32(fnv1a(key));
	const int = (min, max) => min + Math.floor(rand() * (max - min + 1));
	const pick = (arr) => arr[Math.floor(rand() * arr.length)];
	const chance = (p) => rand() < p;
	return { rand, int, pick, chance };
}

/* ------------------------------------------------------------------ vocabularies */

const FIRST_NAMES = [
	'Ava',
	'Liam',
	'Maya',
	'Noah',
	'Sofia',
	'Ethan',
	'Priya',
	'Lucas',
	'Chloe',
	'Mateo',
	'Hannah',
	'Omar',
	'Yuki',
	'Daniel',
	'Elena',
	'Arjun',
	'Grace',
	'Felix',
	'Leila',
	'Jonas',
	'Amara',
	'Diego',
	'Nora',
	'Kenji',
	'Isabel',
	'Samuel',
	'Zara',
	'Victor',
	'Ingrid',
	'Tomas',
];
const LAST_NAMES = [
	'Nguyen',
	'Schmidt',
	'Okafor',
	'Garcia',
	'Patel',
	'Kowalski',
	'Tanaka',
	'Silva',
	'Brennan',
	'Haddad',
	'Larsen',
	'Moreau',
	'Rossi',
	'Kim',
	'Andersson',
	'Novak',
	'Mensah',
	'Costa',
	'Fischer',
	'Ivanova',
	'Chen',
	'Dubois',
	'Murphy',
	'Sato',
	'Reyes',
	'Berg',
	'Walsh',
	'Khan',
];
const COMPANIES = [
	{ name: 'Northwind Analytics', domain: 'northwind-analytics.com' },
	{ name: 'Bluefin Robotics', domain: 'bluefinrobotics.io' },
	{ name: 'Cedar Health', domain: 'cedarhealth.com' },
	{ name: 'Lumen Payments', domain: 'lumenpay.com' },
	{ name: 'Orbital Freight', domain: 'orbitalfreight.co' },
	{ name: 'Quartz Security', domain: 'quartzsec.com' },
	{ name: 'Tidewater Energy', domain: 'tidewater.energy' },
	{ name: 'Helix Bio', domain: 'helixbio.com' },
	{ name: 'Paperkite', domain: 'paperkite.app' },
	{ name: 'Granite Cloud', domain: 'granitecloud.dev' },
	{ name: 'Meridian Labs', domain: 'meridianlabs.ai' },
	{ name: 'Foxglove Media', domain: 'foxglove.media' },
];
const ROLES = [
	{ title: 'Founder, CEO', seniority: 'CXO', norm: 'chief executive officer' },
	{ title: 'CTO', seniority: 'CXO', norm: 'chief technology officer' },
	{
		title: 'VP of Engineering',
		seniority: 'Vice President',
		norm: 'vice president of engineering',
	},
	{ title: 'Head of Sales', seniority: 'Director', norm: 'head of sales' },
	{ title: 'Director of Marketing', seniority: 'Director', norm: 'marketing director' },
	{ title: 'Engineering Manager', seniority: 'Manager', norm: 'engineering manager' },
	{ title: 'Senior Software Engineer', seniority: 'Senior', norm: 'software engineer' },
	{ title: 'Software Engineer', seniority: 'Entry', norm: 'software engineer' },
	{ title: 'Product Manager', seniority: 'Manager', norm: 'product manager' },
	{ title: 'Data Scientist', seniority: 'Senior', norm: 'data scientist' },
	{ title: 'Account Executive', seniority: 'Entry', norm: 'account executive' },
	{ title: 'Designer', seniority: 'Senior', norm: 'product designer' },
];
const PLACES = [
	{
		raw: 'San Francisco Bay Area',
		city: '',
		state: 'California',
		country: 'United States',
		continent: 'North America',
	},
	{
		raw: 'New York, New York, United States',
		city: 'New York',
		state: 'New York',
		country: 'United States',
		continent: 'North America',
	},
	{
		raw: 'Austin, Texas, United States',
		city: 'Austin',
		state: 'Texas',
		country: 'United States',
		continent: 'North America',
	},
	{
		raw: 'London, England, United Kingdom',
		city: 'London',
		state: 'England',
		country: 'United Kingdom',
		continent: 'Europe',
	},
	{
		raw: 'Berlin, Germany',
		city: 'Berlin',
		state: 'Berlin',
		country: 'Germany',
		continent: 'Europe',
	},
	{
		raw: 'Paris, Île-de-France, France',
		city: 'Paris',
		state: 'Île-de-France',
		country: 'France',
		continent: 'Europe',
	},
	{
		raw: 'Bengaluru, Karnataka, India',
		city: 'Bengaluru',
		state: 'Karnataka',
		country: 'India',
		continent: 'Asia',
	},
	{ raw: 'Singapore', city: 'Singapore', state: '', country: 'Singapore', continent: 'Asia' },
	{
		raw: 'Toronto, Ontario, Canada',
		city: 'Toronto',
		state: 'Ontario',
		country: 'Canada',
		continent: 'North America',
	},
	{
		raw: 'São Paulo, Brazil',
		city: 'São Paulo',
		state: 'São Paulo',
		country: 'Brazil',
		continent: 'South America',
	},
	{
		raw: 'Greater Sydney Area',
		city: '',
		state: 'New South Wales',
		country: 'Australia',
		continent: 'Oceania',
	},
];
const SCHOOLS = [
	'University of Oxford',
	'Stanford University',
	'ETH Zürich',
	'University of Toronto',
	'Indian Institute of Technology Bombay',
	'Technical University of Munich',
	'University of Texas at Austin',
	'National University of Singapore',
	'Sciences Po',
];
const DEGREES = [
	'Bachelor of Arts (B.A.)',
	'Bachelor of Science (BS)',
	'Master of Science (MS)',
	'MBA',
	'PhD',
	'',
];
const STUDIES = [
	'Computer Science',
	'Philosophy and Computer Science',
	'Economics',
	'Mechanical Engineering',
	'Marketing',
	'Mathematics',
	'',
];
const SKILLS = [
	'Python',
	'TypeScript',
	'Go',
	'Kubernetes',
	'SQL',
	'Machine Learning',
	'Product Strategy',
	'Enterprise Sales',
	'Leadership',
	'Distributed Systems',
	'Figma',
	'Negotiation',
	'AWS',
];
const LANGUAGES = ['English', 'Spanish', 'German', 'French', 'Hindi', 'Japanese', 'Portuguese'];
const CERTS = [
	{ name: 'AWS Certified Solutions Architect – Associate', org: 'Amazon Web Services (AWS)' },
	{ name: 'Certified Kubernetes Administrator (CKA)', org: 'The Linux Foundation' },
	{ name: 'Professional Scrum Master I', org: 'Scrum.org' },
	{ name: 'Google Analytics Certification', org: 'Google' },
];
const HONORS = [
	{ title: 'Forbes 30 Under 30', issuer: 'Forbes' },
	{ title: "Dean's List", issuer: 'University' },
	{ title: 'Hackathon Winner', issuer: 'TechCrunch Disrupt' },
	{ title: 'President’s Club', issuer: 'Employer' },
];
const POST_TEXTS = [
	'We are hiring at {company}! DM me if you want to build with us.',
	'Proud of what the {company} team shipped this quarter.',
	'Three lessons from scaling a team, a thread.',
	'Speaking at a meetup next week about what we learned at {company}.',
	'Grateful for five years of building, learning and shipping.',
];
/** One draw picks a URL-found person's business email status (about half deliverable). */
const BUSINESS_EMAIL_STATUS_DRAW = [
	'deliverable',
	'deliverable',
	'deliverable',
	'catch_all',
	'invalid',
	'unknown',
];
const LANG_BY_REPO = ['TypeScript', 'Python', 'Go', 'Rust', null];
const YEARS_BUCKETS = [
	[1, 'Less than 1 year'],
	[3, '1 to 2 years'],
	[6, '3 to 5 years'],
	[11, '6 to 10 years'],
	[Infinity, 'More than 10 years'],
];

/* ------------------------------------------------------------------ helpers */

const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : s);

function isoDate(year, month, day) {
	const mm = String(month).padStart(2, '0');
	const dd = String(day).padStart(2, '0');
	return `${year}-${mm}-${dd}T00:00:00+00:00`;
}

function yearsBucket(raw) {
	for (const [limit, label] of YEARS_BUCKETS) if (raw < limit) return label;
	return 'More than 10 years';
}

/** Second-level labels companies register under (acme.co.uk): the sandbox's public suffixes. */
const SECOND_LEVEL_LABELS = ['co', 'com', 'org', 'net', 'ac', 'gov'];

function companyFromDomain(domain) {
	const labels = domain.toLowerCase().split('.');
	let label = labels.length >= 2 ? labels[labels.length - 2] : labels[0];
	if (labels.length >= 3 && SECOND_LEVEL_LABELS.includes(labels[labels.length - 2])) {
		label = labels[labels.length - 3];
	}
	const name = label.split('-').filter(Boolean).map(cap).join(' ') || 'Company';
	return { name, domain: domain.toLowerCase() };
}

/**
 * The registrable part of a (lower-cased) domain by the same rule as companyFromDomain:
 * mail.acme.io -> acme.io, shop.acme.co.uk -> acme.co.uk. Only the dataset's own choices use it
 * (a company that must differ from the email's); the node has its own comparison under test.
 */
function registrableOf(domain) {
	const labels = domain.split('.');
	const n = labels.length >= 3 && SECOND_LEVEL_LABELS.includes(labels[labels.length - 2]) ? 3 : 2;
	return labels.slice(-n).join('.');
}

/**
 * Leading labels of an email domain that name a mail host or a region rather than the company:
 * jane.doe@mail.acme.io and @eu.acme.io work at acme.io. Any other subdomain stays part of the
 * company's domain (jane@shop.acme.io works at shop.acme.io), so such emails keep their people.
 */
const SUBDOMAIN_LABELS = Object.freeze(['mail', 'email', 'eu', 'us', 'uk', 'emea', 'apac']);

/**
 * The company domain of an email domain: SUBDOMAIN_LABELS stripped from the left, one after the
 * other (eu.mail.acme.io -> acme.io), but never down to a bare suffix (uk.co.uk, mail.io stay).
 */
function companyDomainOf(domain) {
	let d = domain;
	for (;;) {
		const dot = d.indexOf('.');
		if (dot < 0 || !SUBDOMAIN_LABELS.includes(d.slice(0, dot))) return d;
		const rest = d.slice(dot + 1).split('.');
		const suffixOnly =
			rest.length < 2 || (rest.length === 2 && SECOND_LEVEL_LABELS.includes(rest[0]));
		if (suffixOnly) return d;
		d = rest.join('.');
	}
}

/**
 * The company a person found by an `elsewhere` email works at now: one of COMPANIES chosen by
 * the hash of `key`, never one whose registrable domain is the email company's.
 */
function elsewhereCompany(company, key) {
	const avoid = registrableOf(company.domain);
	const start = fnv1a(`elsewhere:${key}`) % COMPANIES.length;
	for (let i = 0; i < COMPANIES.length; i++) {
		const c = COMPANIES[(start + i) % COMPANIES.length];
		if (registrableOf(c.domain) !== avoid) return c;
	}
	return COMPANIES[start]; // not reached: the COMPANIES have distinct registrable domains
}

/**
 * The lookalike of a company domain: the same name on another public suffix, so the
 * registrable domains differ (acme.co.uk -> acme.com, acme.io -> acme.com, acme.com -> acme.co.uk).
 */
function lookalikeDomain(domain) {
	const registrable = registrableOf(domain);
	const label = registrable.split('.')[0];
	return registrable === `${label}.com` ? `${label}.co.uk` : `${label}.com`;
}

/** Letter-only parts of a string split on separators; digits dropped. */
function nameParts(s, seps) {
	return s
		.split(seps)
		.map((p) => p.replace(/[^a-z]/g, ''))
		.filter((p) => p.length > 0);
}

/**
 * Build a complete person_data.
 * seed: hash key; opts: { first, last, slug, company, email, contact, formerCompany, notAt,
 *   unemployed, undisclosedJob }
 *   formerCompany: a job there ended when the current one began (someone who works elsewhere now)
 *   notAt:         a domain whose registrable domain no current job (advisory roles too) has
 *   unemployed:    no current employer: the jobs at `company` ended in 2026 and lead the past ones
 *   undisclosedJob: one more current job, at a company without a website domain
 * They draw from their own stream, so a person without them is exactly as before they existed.
 */
function buildPerson(seed, opts = {}) {
	const r = makeRng(seed);
	const first = opts.first || r.pick(FIRST_NAMES);
	const last = opts.last || r.pick(LAST_NAMES);
	const name = `${first} ${last}`;
	const id = 1000 + (fnv1a(`id:${seed}`) % 900000000);
	const slug =
		opts.slug ||
		`${first}-${last}-${(fnv1a(`slug:${seed}`) % 0xffffff).toString(16)}`.toLowerCase();
	const company = opts.company || r.pick(COMPANIES);
	const companyId = 100000 + (fnv1a(`company:${company.domain}`) % 9000000);
	const companyUrl = `https://linkedin.com/company/${10000000 + (fnv1a(`cli:${company.domain}`) % 80000000)}`;
	const role = r.pick(ROLES);
	const place = r.pick(PLACES);
	const updatedMonth = r.int(1, 7);
	const updatedDay = r.int(1, 28);
	const updatedAt = `2026-${String(updatedMonth).padStart(2, '0')}-${String(updatedDay).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00Z`;
	const lastUpdated = isoDate(2026, updatedMonth, updatedDay);
	const login =
		`${first}${last}`.toLowerCase().replace(/[^a-z0-9]/g, '') +
		(r.chance(0.5) ? String(r.int(1, 99)) : '');

	const hasGithub = r.chance(0.55);
	const hasPhone = r.chance(0.45);
	const hasPersonalEmail = r.chance(0.5);
	const hasBusinessEmail = opts.email ? true : r.chance(0.8);
	const hasWebsite = r.chance(0.3);
	const githubUrl = hasGithub ? `https://github.com/${login}` : null;

	// experience
	const startYear = r.int(2008, 2024);
	const rawYears = Math.round((2026.5 - startYear - r.rand()) * 10) / 10;
	const current = [
		{
			name: company.name,
			title: role.title,
			start_date: isoDate(startYear, r.int(1, 12), 1),
			end_date: null,
			company_website_domain: company.domain,
			crustdata_company_id: companyId,
			seniority_level: role.seniority,
			location: { raw: r.chance(0.5) ? place.raw : '' },
			position_id: 1000000000 + (fnv1a(`pos:${seed}:0`) % 900000000),
			company_professional_network_profile_url: companyUrl,
			years_at_company: yearsBucket(rawYears),
			years_at_company_raw: rawYears,
			is_default: true,
		},
	];
	if (r.chance(0.2)) {
		let advisory = r.pick(COMPANIES);
		// someone who must work elsewhere than notAt does not advise it either; the next company
		// costs no draw, so the rest of the person stays as it was
		if (opts.notAt && registrableOf(advisory.domain) === registrableOf(opts.notAt)) {
			advisory = COMPANIES[(COMPANIES.indexOf(advisory) + 1) % COMPANIES.length];
		}
		current.push({
			name: advisory.name,
			title: 'Advisor',
			start_date: isoDate(r.int(2019, 2025), r.int(1, 12), 1),
			end_date: null,
			company_website_domain: advisory.domain,
			crustdata_company_id: 100000 + (fnv1a(`company:${advisory.domain}`) % 9000000),
			seniority_level: 'Owner / Partner',
			location: { raw: '' },
			position_id: 1000000000 + (fnv1a(`pos:${seed}:1`) % 900000000),
			company_professional_network_profile_url: null,
			years_at_company: '1 to 2 years',
			years_at_company_raw: 1.5,
			is_default: false,
		});
	}
	if (opts.undisclosedJob) {
		// from its own stream, so the rest of the person stays as it was
		const u = makeRng(`undisclosed:${seed}`);
		const side = u.pick(ROLES);
		current.push({
			name: 'Stealth Startup',
			title: side.title,
			start_date: isoDate(u.int(2020, 2025), u.int(1, 12), 1),
			end_date: null,
			company_website_domain: '',
			crustdata_company_id: null,
			seniority_level: side.seniority,
			location: { raw: '' },
			position_id: 1000000000 + (fnv1a(`pos:${seed}:u`) % 900000000),
			company_professional_network_profile_url: null,
			years_at_company: '1 to 2 years',
			years_at_company_raw: 1,
			is_default: false,
		});
	}
	const past = [];
	let endYear = startYear;
	// the former job, from its own stream `f`: it ended the year the current one began, and the
	// other past jobs come before it
	const f = makeRng(`former:${seed}`);
	if (opts.formerCompany) {
		const c = opts.formerCompany;
		const fr = f.pick(ROLES);
		const span = f.int(1, 4);
		past.push({
			name: c.name,
			title: fr.title,
			start_date: isoDate(startYear - span, f.int(1, 12), 1),
			end_date: isoDate(startYear, 1, 1),
			company_website_domain: c.domain,
			crustdata_company_id: 100000 + (fnv1a(`company:${c.domain}`) % 9000000),
			seniority_level: fr.seniority,
			location: { raw: '' },
			position_id: 1000000000 + (fnv1a(`pos:${seed}:f`) % 900000000),
			company_professional_network_profile_url: `https://linkedin.com/company/${10000000 + (fnv1a(`cli:${c.domain}`) % 80000000)}`,
			years_at_company: yearsBucket(span),
			years_at_company_raw: span,
			is_default: false,
		});
		endYear = startYear - span;
	}
	const pastCount = r.int(0, 3);
	for (let i = 0; i < pastCount; i++) {
		const c = r.pick(COMPANIES);
		const pr = r.pick(ROLES);
		const span = r.int(1, 5);
		const sy = endYear - span;
		past.push({
			name: c.name,
			title: pr.title,
			start_date: isoDate(sy, r.int(1, 12), 1),
			end_date: isoDate(endYear, r.int(1, 12), 1),
			company_website_domain: r.chance(0.8) ? c.domain : '',
			crustdata_company_id: r.chance(0.9)
				? 100000 + (fnv1a(`company:${c.domain}`) % 9000000)
				: null,
			seniority_level: pr.seniority,
			location: { raw: r.chance(0.5) ? r.pick(PLACES).raw : '' },
			position_id: 1000000000 + (fnv1a(`pos:${seed}:p${i}`) % 900000000),
			company_professional_network_profile_url: r.chance(0.7)
				? `https://linkedin.com/company/${10000000 + (fnv1a(`cli:${c.domain}`) % 80000000)}`
				: null,
			years_at_company: yearsBucket(span),
			years_at_company_raw: span,
			is_default: false,
		});
		endYear = sy;
	}
	if (opts.unemployed) {
		// every job that would be current ended this year (after any start date, which is 2025 at
		// the latest), so `current` is an empty list and the email's company is the latest past job
		const ended = current.splice(0).map((job) => ({
			...job,
			end_date: isoDate(2026, f.int(1, 6), 1),
			is_default: false,
		}));
		past.unshift(...ended);
	}

	const schools = [];
	const schoolCount = r.int(0, 2);
	for (let i = 0; i < schoolCount; i++) {
		const withYears = r.chance(0.6);
		const sy = r.int(1995, 2018);
		schools.push({
			school: r.pick(SCHOOLS),
			degree: r.pick(DEGREES),
			field_of_study: r.pick(STUDIES),
			start_year: withYears ? sy : null,
			end_year: withYears ? sy + r.int(2, 5) : null,
		});
	}

	const skills = [];
	const skillCount = r.int(0, 6);
	for (let i = 0; i < skillCount; i++) {
		const s = r.pick(SKILLS);
		if (!skills.includes(s)) skills.push(s);
	}
	const languages = r.chance(0.5)
		? []
		: ['English', ...(r.chance(0.4) ? [r.pick(LANGUAGES)] : [])].filter(
				(v, i, a) => a.indexOf(v) === i,
			);

	// Contact data. The draws from `r` are the same as before the statuses changed, so every
	// other section stays as it was; extra records come from their own stream `x`.
	const x = makeRng(`contact:${seed}`);
	const ownBusinessEmail = opts.email || `${first}.${last}@${company.domain}`.toLowerCase();
	let businessEmails = [];
	if (hasBusinessEmail) {
		businessEmails.push({
			email: ownBusinessEmail,
			status: opts.email ? 'deliverable' : r.pick(BUSINESS_EMAIL_STATUS_DRAW),
			last_updated: lastUpdated,
		});
		const older = `${first.charAt(0)}${last}@${company.domain}`.toLowerCase();
		if (x.chance(0.3) && older !== ownBusinessEmail) {
			businessEmails.push({
				email: older,
				status: x.pick(['invalid', 'catch_all', 'unknown']),
				last_updated: isoDate(2025, x.int(1, 12), x.int(1, 28)),
			});
		}
	}
	let personalEmails = hasPersonalEmail
		? [
				{
					email: `${login}@${r.pick(['gmail.com', 'proton.me', 'outlook.com'])}`,
					status: r.pick(['deliverable', 'deliverable', 'unknown', 'invalid']),
					last_updated: lastUpdated,
				},
			]
		: [];
	let phones = hasPhone ? [`+1 415-555-${String(r.int(100, 9999)).padStart(4, '0')}`] : [];
	if (hasPhone && r.chance(0.25))
		phones.push(`+44 20 7946 ${String(r.int(0, 9999)).padStart(4, '0')}`);
	let websites = hasWebsite ? [`https://${login}.dev`] : [];
	if (opts.contact === 'none') {
		businessEmails = [];
		personalEmails = [];
		phones = [];
		websites = [];
	} else if (opts.contact === 'full') {
		businessEmails = [{ email: ownBusinessEmail, status: 'deliverable', last_updated: lastUpdated }];
		if (!personalEmails.some((e) => e.status === 'deliverable')) {
			personalEmails = [
				{ email: `${login}@gmail.com`, status: 'deliverable', last_updated: lastUpdated },
			];
		}
		if (phones.length === 0) phones = [`+1 415-555-${String(x.int(100, 9999)).padStart(4, '0')}`];
		if (websites.length === 0) websites = [`https://${login}.dev`];
	} else if (opts.contact === 'undeliverable') {
		businessEmails = [
			{ email: ownBusinessEmail, status: 'catch_all', last_updated: lastUpdated },
			{
				email: `${first.charAt(0)}${last}@${company.domain}`.toLowerCase(),
				status: 'invalid',
				last_updated: lastUpdated,
			},
		];
	}

	// generation-2 sections, from their own stream
	const g = makeRng(`gen2:${seed}`);
	const assessment = {
		score: g.int(35, 98),
		summary: `${role.title} at ${company.name}, ${yearsBucket(rawYears).toLowerCase()} in the role`,
		seniority_level: role.seniority,
		strengths: skills.slice(0, 3),
		last_updated: lastUpdated,
	};
	const socialPosts = [];
	const postCount = g.int(1, 3);
	for (let i = 0; i < postCount; i++) {
		const postId = String(7100000000000000000n + BigInt(fnv1a(`post:${seed}:${i}`)));
		socialPosts.push({
			post_id: postId,
			permalink: `https://www.linkedin.com/feed/update/urn:li:activity:${postId}`,
			text: g.pick(POST_TEXTS).replace('{company}', company.name),
			posted_at: isoDate(2026, g.int(1, 7), g.int(1, 28)),
			reactions: g.int(0, 500),
			comments: g.int(0, 60),
		});
	}

	const devProfiles = [];
	if (hasGithub) {
		const repos = [];
		const repoCount = r.int(0, 3);
		let totalStars = 0;
		for (let i = 0; i < repoCount; i++) {
			const stars = r.int(0, 900);
			totalStars += stars;
			const repoName = `${r.pick(['tiny', 'fast', 'open', 'hyper', 'little'])}-${r.pick(['queue', 'parser', 'cache', 'cli', 'router'])}`;
			repos.push({
				name: repoName,
				url: `${githubUrl}/${repoName}`,
				description: r.chance(0.7) ? `A ${repoName.replace('-', ' ')} for everyday use` : null,
				language: r.pick(LANG_BY_REPO),
				stars,
				forks: Math.floor(stars / 7),
			});
		}
		devProfiles.push({
			profile_url: githubUrl,
			login,
			name: r.chance(0.8) ? name : null,
			bio: r.chance(0.5) ? `${role.title} at ${company.name}` : '',
			company: r.chance(0.6) ? `@${company.name.toLowerCase().replace(/\s+/g, '')}` : null,
			location: r.chance(0.6) ? place.raw : null,
			followers: r.int(0, 5000),
			following: r.int(0, 300),
			public_repo_count: repoCount + r.int(0, 40),
			total_stars: totalStars,
			repos,
		});
	}

	const certifications = [];
	const certCount = r.int(0, 2);
	for (let i = 0; i < certCount; i++) {
		const c = CERTS[(fnv1a(`cert:${seed}`) + i) % CERTS.length];
		const y = r.int(2016, 2025);
		certifications.push({
			name: c.name,
			issuing_organization: c.org,
			issue_date: `${y}-0${r.int(1, 9)}`,
			expiration_date: r.chance(0.5) ? `${y + 3}-0${r.int(1, 9)}` : null,
			credential_url: r.chance(0.5) ? `https://credentials.example.com/${id}/${i}` : '',
			credential_id: r.chance(0.5)
				? `C-${fnv1a(`cred:${seed}:${i}`).toString(36).toUpperCase()}`
				: null,
		});
	}
	const honors = [];
	const honorCount = r.int(0, 2);
	for (let i = 0; i < honorCount; i++) {
		const h = HONORS[(fnv1a(`honor:${seed}`) + i) % HONORS.length];
		honors.push({
			title: h.title,
			issuer: h.issuer === 'Employer' ? company.name : h.issuer,
			issued_date: r.chance(0.7) ? `${r.int(2010, 2025)}` : null,
			description: r.chance(0.5) ? `${h.title} awarded to ${name}` : '',
		});
	}

	const firstNameNull = r.chance(0.15);
	return {
		crustdata_person_id: id,
		updated_at: r.chance(0.9) ? updatedAt : null,
		basic_profile: {
			name,
			first_name: firstNameNull ? null : first,
			last_name: firstNameNull ? null : last,
			headline: r.chance(0.85)
				? `${opts.unemployed ? 'Open to work, formerly ' : ''}${role.title} @ ${company.name}`
				: '',
			current_title: opts.unemployed ? null : role.title,
			normalized_title: r.chance(0.7) ? role.norm : null,
			summary: r.chance(0.5)
				? `${role.title} at ${company.name}. Previously worked across ${pastCount} companies.`
				: '',
			languages,
			professional_network_name: name,
			location: {
				raw: place.raw,
				city: place.city,
				state: place.state,
				country: place.country,
				continent: place.continent,
			},
			profile_picture_permalink: r.chance(0.8)
				? `https://media.sandbox.crustdata.invalid/profile-pictures/${id}.jpg`
				: null,
			last_updated: lastUpdated,
		},
		professional_network: {
			profile_picture_permalink: r.chance(0.8)
				? `https://media.sandbox.crustdata.invalid/profile-pictures/${id}.jpg`
				: '',
			connections: r.int(12, 500) + (r.chance(0.3) ? r.int(0, 30000) : 0),
			followers: r.int(0, 20000),
			pronoun: r.pick(['', '', 'She/Her', 'He/Him', 'They/Them', null]),
			open_to_cards: r.chance(0.3) ? ['Hiring'] : [],
			location: {
				raw: place.raw,
				city: place.city,
				state: place.state,
				country: place.country,
				continent: place.continent,
			},
			metadata: { last_scraped_source: r.chance(0.5) ? null : 'professional_network' },
		},
		social_handles: {
			professional_network_identifier: { profile_url: `https://www.linkedin.com/in/${slug}` },
			dev_platform_identifier: { profile_url: githubUrl },
			twitter_identifier: { slug: r.chance(0.45) ? '' : login },
		},
		experience: { employment_details: { current, past } },
		education: { schools },
		skills: { professional_network_skills: skills },
		contact: {
			business_emails: businessEmails,
			personal_emails: personalEmails,
			phone_numbers: phones,
			websites,
		},
		dev_platform_profiles: devProfiles,
		certifications,
		honors,
		assessment,
		social_posts: socialPosts,
	};
}

/* ------------------------------------------------------------------ lookups */

/** Lowercased slug of a profile URL, lenient: any scheme/host prefix, trailing slash, query. */
function slugOf(url) {
	const s = String(url).trim().toLowerCase();
	const m = /\/in\/([^/?#]+)/.exec(s);
	if (m) return m[1];
	const parts = s.split(/[?#]/)[0].split('/').filter(Boolean);
	return parts.length ? parts[parts.length - 1] : s;
}

/** Slug prefixes that fix a URL-found person's contact data (see buildPerson). */
const CONTACT_RULES = [
	['nocontact', 'none'],
	['fullcontact', 'full'],
	['undeliverable', 'undeliverable'],
];

/** Persons generated for this profile URL, same result as the sandbox's /person/enrich. */
function lookupByProfileUrl(url) {
	const slug = slugOf(url);
	if (slug.startsWith('nomatch')) return { status: 'not_found', candidates: [] };
	if (slug.startsWith('redacted')) return { status: 'redacted', candidates: [] };
	let decoded = slug;
	try {
		decoded = decodeURIComponent(slug);
	} catch {
		/* keep raw slug */
	}
	const opts = { slug };
	const rule = CONTACT_RULES.find(([prefix]) => decoded.startsWith(prefix));
	if (rule) {
		opts.contact = rule[1];
		decoded = decoded.slice(rule[0].length);
	}
	const parts = nameParts(decoded, /[-_]/);
	if (parts.length >= 2) {
		opts.first = cap(parts[0]);
		opts.last = cap(parts[parts.length - 1]);
	}
	return {
		status: 'matched',
		candidates: [{ confidence_score: 1.0, person: buildPerson(`url:${slug}`, opts) }],
	};
}

/** Local-part prefixes that decide the candidates of a business email, first match wins. */
const EMAIL_RULES = ['multi', 'mixed', 'elsewhere', 'unemployed', 'lookalike', 'sidejob'];

/**
 * Persons generated for this business email (case-insensitive). The company is the email's
 * domain with SUBDOMAIN_LABELS stripped; the local part's prefix (EMAIL_RULES) decides how the
 * candidates' current employers relate to it, the rest of the local part gives the name.
 */
function lookupByBusinessEmail(email) {
	const e = String(email).trim().toLowerCase();
	const at = e.lastIndexOf('@');
	const local = at >= 0 ? e.slice(0, at) : e;
	const domain = at >= 0 ? e.slice(at + 1) : 'example.com';
	if (local.startsWith('nomatch')) return { status: 'not_found', candidates: [] };
	if (local.startsWith('redacted')) return { status: 'redacted', candidates: [] };
	const company = companyFromDomain(companyDomainOf(domain));
	const rule = EMAIL_RULES.find((prefix) => local.startsWith(prefix)) || '';
	const parts = nameParts(local.slice(rule.length), /[._\-+]/);
	const named = {};
	if (parts.length >= 2) {
		named.first = cap(parts[0]);
		named.last = cap(parts[parts.length - 1]);
	} else if (parts.length === 1) {
		named.first = cap(parts[0]);
	}
	// the person who owns the address: at the email's company unless the rule says otherwise
	const owner = (extra = {}) =>
		buildPerson(`email:${e}`, { company, ...named, email: e, ...extra });
	// other people, for the rules with several candidates (names from the hash)
	const other = (n, opts) => buildPerson(`email:${e}#${n}`, opts);
	const elsewhere = (key) => ({
		company: elsewhereCompany(company, key),
		formerCompany: company,
		notAt: company.domain,
	});
	const single = (person) => {
		const score = 0.8 + (fnv1a(`score:${e}`) % 21) / 100;
		return {
			status: 'matched',
			candidates: [{ confidence_score: Math.round(score * 100) / 100, person }],
		};
	};
	switch (rule) {
		case 'multi':
			// three different people at the same company; the 0.97 one owns the address
			return {
				status: 'matched',
				candidates: [
					{ confidence_score: 0.62, person: other(1, { company }) },
					{ confidence_score: 0.97, person: owner() },
					{ confidence_score: 0.35, person: other(2, { company }) },
				],
			};
		case 'mixed':
			// the one at the email's company (who owns the address) is not the best score: a
			// former employee who works elsewhere now is, then one with no current employer
			return {
				status: 'matched',
				candidates: [
					{ confidence_score: 0.93, person: other(1, elsewhere(`${e}#1`)) },
					{ confidence_score: 0.71, person: owner() },
					{ confidence_score: 0.48, person: other(2, { company, unemployed: true }) },
				],
			};
		case 'elsewhere':
			// the address is theirs from a former job at the email's company
			return single(owner(elsewhere(e)));
		case 'unemployed':
			return single(owner({ unemployed: true }));
		case 'sidejob':
			return single(owner({ ...elsewhere(e), undisclosedJob: true }));
		case 'lookalike':
			// someone of that name at a company of the same name on another public suffix; not
			// the owner of the address (their own business email, if any, is at their company)
			return single(
				buildPerson(`email:${e}`, {
					...named,
					company: companyFromDomain(lookalikeDomain(company.domain)),
					notAt: company.domain,
				}),
			);
		default:
			return single(owner());
	}
}

/**
 * A person's contact data as POST /person/contact/enrich answers it (fresh copies): the same
 * records as `person.contact`, business records also carrying `crustdata_company_id` when the
 * domain, or else its company domain (mail.acme.io -> acme.io, see companyDomainOf), is one of
 * the person's employers, current or past, with a known id.
 */
function contactEnrichData(person) {
	const c = person.contact;
	const jobs = [
		...person.experience.employment_details.current,
		...person.experience.employment_details.past,
	];
	const companyIdOf = (email) => {
		const domain = email.slice(email.lastIndexOf('@') + 1);
		// the exact domain first, so a record that matched before still names the same job
		const at = (d) => jobs.find((j) => j.company_website_domain === d && j.crustdata_company_id);
		const job = at(domain) || at(companyDomainOf(domain));
		return job ? job.crustdata_company_id : undefined;
	};
	return {
		business_emails: c.business_emails.map((e) => {
			const id = companyIdOf(e.email);
			return id === undefined ? { ...e } : { ...e, crustdata_company_id: id };
		}),
		personal_emails: c.personal_emails.map((e) => ({ ...e })),
		phone_numbers: c.phone_numbers.slice(),
		websites: c.websites.slice(),
	};
}

module.exports = {
	SCHEMA,
	SECTION_NAMES,
	GENERATION_2_SECTION_NAMES,
	FIELD_ACCESS_SECTIONS,
	CONTACT_FIELDS,
	EMAIL_STATUSES,
	EMAIL_RULES,
	SUBDOMAIN_LABELS,
	TOP_LEVEL_KEYS,
	sectionNames,
	contactEnrichData,
	validFieldPaths,
	isValidField,
	lookupByProfileUrl,
	lookupByBusinessEmail,
	buildPerson,
	slugOf,
	fnv1a,
	mulberry32,
};
