'use strict';
/*
 * The endpoint listing that GET /account/endpoints answers from: the two billable person
 * endpoints, whose rpm, status and fields the sandbox fills in from its options at request time
 * (and /person/contact/enrich and /batch/person/contact/enrich on API generation 2, and
 * /batch/person/enrich's fields and status),
 * and an illustrative catalogue of Crustdata's other endpoints so that the unfiltered answer is as
 * large as the real one (about 76 KB). CommonJS, Node 20, no dependencies.
 */

const dataset = require('./dataset');

const ENRICH_PATH = '/person/enrich';
const LIVE_PATH = '/person/professional_network/enrich/live';
const CONTACT_ENRICH_PATH = '/person/contact/enrich';
const BATCH_ENRICH_PATH = '/batch/person/enrich';
const BATCH_CONTACT_PATH = '/batch/person/contact/enrich';
const CREDITS_PATH = '/account/credits';
const ACCOUNT_ENDPOINTS_PATH = '/account/endpoints';
const ACCOUNT_ENDPOINTS_LIMIT = 300;

/**
 * Field strings (sections and dot paths) of a tree: an object nests, an array lists leaf keys,
 * `true` is a leaf.
 */
function fieldList(tree, prefix = '', out = []) {
	for (const key of Object.keys(tree)) {
		const path = prefix ? `${prefix}.${key}` : key;
		const sub = tree[key];
		out.push(path);
		if (Array.isArray(sub)) for (const leaf of sub) out.push(`${path}.${leaf}`);
		else if (sub && typeof sub === 'object') fieldList(sub, path, out);
	}
	return out;
}

const JOB_FUNCTIONS = [
	'accounting',
	'administrative',
	'arts_and_design',
	'business_development',
	'community_and_social_services',
	'consulting',
	'customer_success_and_support',
	'education',
	'engineering',
	'entrepreneurship',
	'finance',
	'healthcare_services',
	'human_resources',
	'information_technology',
	'legal',
	'marketing',
	'media_and_communication',
	'military_and_protective_services',
	'operations',
	'product_management',
	'program_and_project_management',
	'purchasing',
	'quality_assurance',
	'real_estate',
	'research',
	'sales',
];
const REGIONS = [
	'north_america',
	'latin_america',
	'europe',
	'middle_east',
	'africa',
	'asia_pacific',
];
const GROWTH = ['mom_pct', 'qoq_pct', 'six_months_pct', 'yoy_pct', 'two_years_pct'];
const ADDRESS = [
	'raw',
	'street',
	'city',
	'state',
	'postal_code',
	'country',
	'country_code',
	'continent',
];
const byKey = (keys, value) => Object.fromEntries(keys.map((k) => [k, value]));

/** Shape of Crustdata's company data, for the company endpoints' field lists. */
const COMPANY_TREE = {
	crustdata_company_id: true,
	basic_info: [
		'name',
		'legal_name',
		'primary_domain',
		'all_domains',
		'website',
		'professional_network_url',
		'professional_network_id',
		'crunchbase_url',
		'year_founded',
		'company_type',
		'ownership_status',
		'stock_symbols',
		'employee_count_range',
		'description',
		'short_description',
		'specialities',
		'logo_permalink',
		'last_updated',
	],
	taxonomy: [
		'professional_network_industry',
		'professional_network_specialities',
		'crunchbase_categories',
		'naics_codes',
		'sic_codes',
		'markets',
	],
	locations: {
		hq: ADDRESS,
		offices: ADDRESS,
		country_count: true,
	},
	headcount: {
		total: true,
		total_timeseries: ['date', 'employee_count'],
		by_function_absolute: byKey(JOB_FUNCTIONS, true),
		by_function_percent: byKey(JOB_FUNCTIONS, true),
		by_region_absolute: byKey(REGIONS, true),
		by_seniority_absolute: [
			'cxo',
			'vice_president',
			'director',
			'manager',
			'senior',
			'entry',
			'training',
		],
		growth: {
			total: GROWTH,
			engineering: GROWTH,
			sales: GROWTH,
			marketing: GROWTH,
			operations: GROWTH,
		},
	},
	funding: {
		total_investment_usd: true,
		last_round_type: true,
		last_round_amount_usd: true,
		last_round_date: true,
		days_since_last_round: true,
		valuation_usd: true,
		investors: ['name', 'type', 'crunchbase_url', 'is_lead'],
		rounds: ['round_type', 'announced_date', 'amount_usd', 'lead_investors', 'investor_count'],
		acquisitions: ['acquiree_name', 'announced_date', 'price_usd'],
		acquired_by: ['name', 'announced_date', 'price_usd'],
		ipo: ['date', 'exchange', 'valuation_usd'],
	},
	revenue: {
		estimated_min_usd: true,
		estimated_max_usd: true,
		reported_usd: true,
		reported_year: true,
		public_markets: ['market_cap_usd', 'revenue_ttm_usd', 'net_income_ttm_usd', 'fiscal_year_end'],
	},
	hiring: {
		open_jobs_total: true,
		open_jobs_timeseries: ['date', 'count'],
		by_function: byKey(JOB_FUNCTIONS, true),
		recent_titles: true,
		growth: GROWTH,
	},
	web_traffic: {
		monthly_visitors: true,
		monthly_visitors_timeseries: ['date', 'visitors'],
		traffic_sources: [
			'direct_pct',
			'search_pct',
			'social_pct',
			'referral_pct',
			'paid_pct',
			'mail_pct',
		],
		top_countries: ['country_code', 'share_pct'],
		growth: GROWTH,
	},
	seo: [
		'average_seo_organic_rank',
		'monthly_paid_clicks',
		'monthly_organic_clicks',
		'monthly_google_ads_budget_usd',
		'total_organic_results',
		'newly_ranked_seo_keywords',
		'lost_ranked_seo_keywords',
	],
	followers: {
		professional_network: ['count', 'mom_pct', 'qoq_pct', 'yoy_pct'],
		twitter: ['count', 'mom_pct', 'qoq_pct', 'yoy_pct'],
	},
	social_profiles: {
		professional_network: ['url', 'id', 'slug'],
		twitter: ['url', 'handle'],
		facebook: ['url'],
		instagram: ['url'],
		youtube: ['url'],
		crunchbase: ['url', 'uuid'],
	},
	employee_reviews: {
		glassdoor: [
			'url',
			'overall_rating',
			'review_count',
			'ceo_approval_pct',
			'business_outlook_pct',
			'recommend_to_friend_pct',
			'culture_rating',
			'diversity_rating',
			'work_life_balance_rating',
			'senior_management_rating',
			'compensation_rating',
			'career_opportunities_rating',
		],
	},
	product_reviews: {
		g2: ['url', 'review_count', 'average_rating', 'review_count_mom_pct', 'review_count_yoy_pct'],
	},
	technographics: ['technologies', 'categories', 'last_updated'],
	competitors: ['crustdata_company_id', 'name', 'primary_domain', 'similarity_score'],
	people: {
		founders: ['crustdata_person_id', 'name', 'title', 'professional_network_profile_url'],
		decision_makers: [
			'crustdata_person_id',
			'name',
			'title',
			'seniority_level',
			'professional_network_profile_url',
		],
		cxos: ['crustdata_person_id', 'name', 'title', 'professional_network_profile_url'],
	},
	news: ['title', 'url', 'source', 'published_at', 'summary'],
};

const POST_TREE = {
	post_id: true,
	permalink: true,
	text: true,
	posted_at: true,
	post_type: true,
	author: [
		'name',
		'headline',
		'professional_network_profile_url',
		'crustdata_person_id',
		'crustdata_company_id',
	],
	reshared_post: ['post_id', 'permalink', 'text', 'author_name'],
	media: ['type', 'url', 'title'],
	engagement: ['reactions', 'comments', 'shares', 'impressions'],
	reactions_by_type: ['like', 'celebrate', 'support', 'love', 'insightful', 'funny'],
	hashtags: true,
	mentions: ['name', 'url'],
	comments: ['text', 'commenter_name', 'commenter_profile_url', 'commented_at', 'reactions'],
};

const JOB_TREE = {
	job_id: true,
	title: true,
	normalized_title: true,
	description: true,
	url: true,
	apply_url: true,
	category: true,
	job_function: true,
	seniority_level: true,
	employment_type: true,
	workplace_type: true,
	location: ADDRESS,
	salary: ['min', 'max', 'currency', 'period', 'raw'],
	posted_at: true,
	last_seen_at: true,
	is_active: true,
	number_of_applicants: true,
	company: [
		'crustdata_company_id',
		'name',
		'primary_domain',
		'professional_network_url',
		'headcount',
		'industry',
	],
	source: true,
};

const personPaths = (exclude) =>
	dataset.validFieldPaths().filter((f) => !exclude.includes(f.split('.')[0]));
const CONTACT_FIELDS = dataset.CONTACT_FIELDS.slice();
/**
 * The contact batch's own `fields` vocabulary (the notes, "Contact in batch"), each with the
 * /person/contact/enrich tiers it asks for: the batch serves the same people's contact data.
 */
const BATCH_CONTACT_TIERS = Object.freeze({
	business_email: Object.freeze(['contact.business_emails']),
	personal_contact_info: Object.freeze(['contact.personal_emails', 'contact.phone_numbers']),
	'personal_contact_info.personal_emails': Object.freeze(['contact.personal_emails']),
	'personal_contact_info.phone_numbers': Object.freeze(['contact.phone_numbers']),
});
const BATCH_CONTACT_FIELDS = Object.freeze(Object.keys(BATCH_CONTACT_TIERS));
const COMPANY_FIELDS = fieldList(COMPANY_TREE);
const companyPaths = (sections) =>
	COMPANY_FIELDS.filter((f) => f === 'crustdata_company_id' || sections.includes(f.split('.')[0]));
const fieldsOf = (enabled, disabled = []) => Object.freeze({ enabled, disabled });

/**
 * What GET /account/endpoints reports. The two billable person endpoints get their rpm, status
 * and fields from the options at request time. The entries marked `generation2` are the fixed,
 * not_enabled ones below on generation 1; generation 2 enables them with their disabled fields
 * as the enabled ones (/person/contact/enrich also with its window's rpm). The rest are
 * illustrative and fixed.
 */
const ENDPOINT_CATALOGUE = Object.freeze(
	[
		{ path: ENRICH_PATH, category: 'Person', status: 'enabled', rpm: null, fields: null },
		{ path: LIVE_PATH, category: 'Person', status: 'enabled', rpm: null, fields: null },
		{
			path: '/person/search',
			category: 'Person',
			status: 'enabled',
			rpm: 60,
			fields: fieldsOf(
				personPaths(['contact', 'dev_platform_profiles', 'certifications', 'honors']),
			),
		},
		{
			path: '/person/search/autocomplete',
			category: 'Person',
			status: 'enabled',
			rpm: 120,
			fields: fieldsOf(['field', 'query', 'suggestions', 'suggestions.value', 'suggestions.count']),
		},
		{
			path: CONTACT_ENRICH_PATH,
			category: 'Person',
			status: 'not_enabled', // generation 1: enterprise plans only
			rpm: 15,
			fields: fieldsOf([], CONTACT_FIELDS),
			generation2: true,
		},
		{
			path: '/person/social_posts',
			category: 'Person',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(fieldList(POST_TREE)),
		},
		{
			path: '/company/enrich',
			category: 'Company',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(
				COMPANY_FIELDS.filter((f) => !f.startsWith('people.decision_makers')),
				fieldList({ decision_makers: COMPANY_TREE.people.decision_makers }, 'people'),
			),
		},
		{
			path: '/company/professional_network/enrich/live',
			category: 'Company',
			status: 'enabled',
			rpm: 10,
			fields: fieldsOf(
				companyPaths([
					'basic_info',
					'taxonomy',
					'locations',
					'headcount',
					'followers',
					'social_profiles',
				]),
			),
		},
		{
			path: '/company/search',
			category: 'Company',
			status: 'enabled',
			rpm: 60,
			fields: fieldsOf(
				companyPaths([
					'basic_info',
					'taxonomy',
					'locations',
					'headcount',
					'funding',
					'revenue',
					'hiring',
					'followers',
				]),
			),
		},
		{
			path: '/screener/company', // the older company enrichment, still served
			category: 'Company',
			status: 'enabled',
			rpm: 15,
			fields: fieldsOf(COMPANY_FIELDS),
		},
		{
			path: '/company/search/autocomplete',
			category: 'Company',
			status: 'enabled',
			rpm: 120,
			fields: fieldsOf(['field', 'query', 'suggestions', 'suggestions.value', 'suggestions.count']),
		},
		{
			path: '/company/identify',
			category: 'Company',
			status: 'enabled',
			rpm: 60,
			fields: fieldsOf(companyPaths(['basic_info', 'locations', 'social_profiles'])),
		},
		{
			path: '/company/screen',
			category: 'Company',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(
				COMPANY_FIELDS.filter((f) => !/^(news|people)(\.|$)/.test(f)),
				['news', 'people'],
			),
		},
		{
			path: '/company/social_posts',
			category: 'Company',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(fieldList(POST_TREE)),
		},
		{
			path: '/job/search',
			category: 'Job',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(fieldList(JOB_TREE)),
		},
		{
			path: '/job/search/autocomplete',
			category: 'Job',
			status: 'enabled',
			rpm: 120,
			fields: fieldsOf(['field', 'query', 'suggestions', 'suggestions.value', 'suggestions.count']),
		},
		{
			path: '/web/search',
			category: 'Web',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(
				fieldList({
					query: true,
					results: ['title', 'url', 'snippet', 'position', 'published_at', 'source_domain'],
					news: ['title', 'url', 'source', 'published_at'],
				}),
			),
		},
		{
			path: '/web/fetch',
			category: 'Web',
			status: 'enabled',
			rpm: 30,
			fields: fieldsOf(
				fieldList({
					url: true,
					status_code: true,
					title: true,
					content: true,
					content_type: true,
					fetched_at: true,
				}),
			),
		},
		{
			// its fields follow the options as /person/enrich's do (filled in per request); rpm fixed
			path: BATCH_ENRICH_PATH,
			category: 'Batch',
			status: 'enabled',
			rpm: 10,
			fields: fieldsOf(personPaths([])),
		},
		{
			path: BATCH_CONTACT_PATH,
			category: 'Batch',
			status: 'not_enabled', // generation 1: as /person/contact/enrich
			rpm: 10,
			fields: fieldsOf([], BATCH_CONTACT_FIELDS),
			generation2: true,
		},
		{
			path: '/batch/{id}',
			category: 'Batch',
			status: 'enabled',
			rpm: 60,
			fields: fieldsOf(
				fieldList({
					batch_id: true,
					status: true,
					created_at: true,
					completed_at: true,
					result_urls: true,
					error: true,
				}),
			),
		},
		{
			path: CREDITS_PATH,
			category: 'Account',
			status: 'enabled',
			rpm: 60,
			fields: fieldsOf(
				fieldList({
					account: [
						'credits',
						'recurring_credits',
						'recurring_credits_frequency',
						'recurring_credits_refresh_date',
						'credit_rollover',
					],
				}),
			),
		},
		{
			path: ACCOUNT_ENDPOINTS_PATH,
			category: 'Account',
			status: 'enabled',
			rpm: ACCOUNT_ENDPOINTS_LIMIT,
			fields: fieldsOf(
				fieldList({
					api_version: true,
					token_limit_rpm: true,
					endpoints: ['path', 'category', 'status', 'effective_rate_limit_rpm', 'fields'],
				}),
			),
		},
	].map((e) => Object.freeze(e)),
);

module.exports = {
	ACCOUNT_ENDPOINTS_LIMIT,
	ACCOUNT_ENDPOINTS_PATH,
	BATCH_CONTACT_FIELDS,
	BATCH_CONTACT_PATH,
	BATCH_CONTACT_TIERS,
	BATCH_ENRICH_PATH,
	CONTACT_ENRICH_PATH,
	CREDITS_PATH,
	ENDPOINT_CATALOGUE,
	ENRICH_PATH,
	LIVE_PATH,
};
