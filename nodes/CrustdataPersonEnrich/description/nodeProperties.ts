// The node's parameters as the editor shows them; their names are part of the public contract.
import type { INodeProperties } from 'n8n-workflow';

import { CONTACT_TIER_CREDITS, VERIFIED_EMAIL_CREDITS } from '../credits/prices';
import { MAX_IN_FLIGHT } from '../transport/pacer';
import type { ContactTier } from '../types';
import { OPERATION_NAME } from '../vocabulary';
import { includePersonDataProperty, toolDescriptionProperty } from './toolProperties';

const price = (amount: number) =>
	amount === 0 ? 'Free' : `Costs ${amount} ${amount === 1 ? 'credit' : 'credits'} a person when found`;

const CONTACT_TIER_OPTIONS: Array<{ name: string; value: ContactTier; what: string }> = [
	{ name: 'Business Emails', value: 'business_emails', what: 'Work email addresses, each with a deliverability status' },
	{ name: 'Personal Emails', value: 'personal_emails', what: 'Private email addresses, each with a deliverability status' },
	{ name: 'Phone Numbers', value: 'phone_numbers', what: 'Phone numbers' },
	{ name: 'Websites', value: 'websites', what: 'Personal websites' },
];

const identifierParameter = {
	displayName: 'Profile URL',
	name: 'profileUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. https://www.linkedin.com/in/dvdhsu',
	description:
		"The person's LinkedIn profile URL, usually mapped from the input item with an expression. Any scheme, subdomain, trailing slash or query string is cleaned up before sending.",
} satisfies INodeProperties;

export const nodeProperties: INodeProperties[] = [
	toolDescriptionProperty,
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: OPERATION_NAME.enrich,
				value: 'enrich',
				action: 'Enrich a person from the cached dataset',
				description: "Look people up in Crustdata's cached dataset by profile URL or business email",
			},
			{
				name: OPERATION_NAME.enrichLive,
				value: 'enrichLive',
				action: 'Enrich a person with live data',
				description: 'Fetch fresh profile data in real time by profile URL (7 credits a profile, plan-gated)',
			},
			{
				name: OPERATION_NAME.enrichBatch,
				value: 'enrichBatch',
				action: 'Enrich people in batch jobs',
				description:
					'Send up to 10,000 people a job to Crustdata and wait for the results, past the rate limit; for large lists',
			},
			{
				name: OPERATION_NAME.getBatchResults,
				value: 'getBatchResults',
				action: 'Get the results of a batch job',
				description: 'Fetch the records of a finished batch job by its ID, for free',
			},
		],
		default: 'enrich',
	},
	{
		displayName: 'Identifier Type',
		name: 'identifierType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { operation: ['enrich', 'enrichBatch'] } },
		options: [
			{
				name: 'Business Email',
				value: 'businessEmail',
				description: 'Reverse lookup by work email address; may return several candidates',
			},
			{
				name: 'Profile URL',
				value: 'profileUrl',
				description: 'LinkedIn profile URL of the person',
			},
		],
		default: 'profileUrl',
	},
	{
		...identifierParameter,
		displayOptions: { show: { operation: ['enrich', 'enrichBatch'], identifierType: ['profileUrl'] } },
	},
	{
		...identifierParameter,
		displayOptions: { show: { operation: ['enrichLive'] } },
	},
	{
		displayName: 'Business Email',
		name: 'businessEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. jane.doe@acme.io',
		description: "The person's work email, usually mapped from the input item with an expression",
		displayOptions: { show: { operation: ['enrich', 'enrichBatch'], identifierType: ['businessEmail'] } },
	},
	{
		displayName: 'Batch ID',
		name: 'batchId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 7f3c2a9e-5b1d-4e8f-9a6c-2d4b8e1f0a37',
		description:
			'The ID of a batch job, from the run summary or an error item of Enrich in Batch Jobs, usually mapped with an expression. Its results stay available for 5 days after it finishes.',
		displayOptions: { show: { operation: ['getBatchResults'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		options: [
			{ name: 'Basic Profile', value: 'basic_profile', description: 'Name, headline, current title, location, summary' },
			{ name: 'Certifications', value: 'certifications', description: 'Needs field-level permission on your API key' },
			{
				name: 'Contact',
				value: 'contact',
				description: 'Emails, phone numbers and websites: choose which in Contact Fields, each billed only when found',
			},
			{
				name: 'Developer Platform Profiles',
				value: 'dev_platform_profiles',
				description: 'GitHub profiles with repositories and stars. Costs +1 credit when found.',
			},
			{ name: 'Education', value: 'education', description: 'Schools, degrees and fields of study' },
			{ name: 'Experience', value: 'experience', description: 'Current and past employment, with company domains' },
			{ name: 'Honors', value: 'honors', description: 'Honors and awards. Needs field-level permission on your API key.' },
			{ name: 'Professional Network', value: 'professional_network', description: 'Connections, followers, network location' },
			{ name: 'Skills', value: 'skills', description: 'Skills listed on the profile' },
			{ name: 'Social Handles', value: 'social_handles', description: 'LinkedIn, GitHub and Twitter identifiers' },
		],
		default: ['basic_profile', 'social_handles'],
		description:
			'Sections of person_data to return, and only these. A profile costs 1 credit (7 with Enrich Live, 0 with Preview) plus the extras noted.',
	},
	{
		displayName: 'Min Similarity Score',
		name: 'minSimilarityScore',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0,
		description: 'Only return candidates whose confidence score is at least this (0 to 1). 0 sends no threshold.',
		displayOptions: { show: { operation: ['enrich'], identifierType: ['businessEmail'] } },
	},
	{
		displayName: 'Contact Fields',
		name: 'contactFields',
		type: 'multiOptions',
		options: CONTACT_TIER_OPTIONS.map(({ name, value, what }) => ({
			name,
			value,
			description: `${what}. ${price(CONTACT_TIER_CREDITS[value])}.`,
		})),
		default: ['business_emails'],
		description:
			"Which contact data to get for each matched person. Depending on your plan, Crustdata serves it with the profile or from its contact endpoint; the node picks the one your account has.",
		displayOptions: { show: { fields: ['contact'] } },
	},
	includePersonDataProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 25 },
				default: 25,
				description: 'How many identifiers to send per API request (at most 25)',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_IN_FLIGHT },
				default: 0,
				description: `How many requests may wait for an answer at once, up to ${MAX_IN_FLIGHT}. 0 sets it from the rate limit and how fast Crustdata answers. When credits run out, the other requests already waiting still complete and can be billed; 1 avoids that.`,
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				displayOptions: { hide: { '/operation': ['getBatchResults'] } },
				type: 'boolean',
				default: false,
				description:
					'Whether to send nothing billable and output one item instead: how many lookups and requests the run would make, the most it could cost, the credits on the account and how long it would take. Route on it with an If node, then run for real.',
			},
			{
				displayName: 'Extra Field Paths',
				name: 'fieldPaths',
				displayOptions: { hide: { '/operation': ['getBatchResults'] } },
				type: 'string',
				default: '',
				placeholder: 'e.g. basic_profile.summary, contact.business_emails',
				description: 'Comma-separated dot-paths inside person_data, requested in addition to Fields',
			},
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: false,
				description:
					"Whether to keep the input item's fields in each output item, e.g. a CRM ID. The node's own keys win when names clash.",
			},
			{
				displayName: 'Max Credits',
				name: 'maxCredits',
				displayOptions: { hide: { '/operation': ['getBatchResults'] } },
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'The most credits this run may spend, counted from what Crustdata bills (with batch jobs, at the worst-case price). Inputs it cannot afford are not sent and fail with a message that says so. 0 sets no cap.',
			},
			{
				displayName: 'Max Requests Per Minute',
				name: 'maxRequestsPerMinute',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'The node never sends faster than this, nor faster than the limit Crustdata reports for your account. 0 follows that limit (15 a minute when Crustdata reports none).',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 4,
				description: 'How many times a request is sent again after a rate limit, server error, dropped connection or timeout',
			},
			{
				displayName: 'Max Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 60,
				displayOptions: { show: { '/operation': ['enrichBatch'] } },
				description:
					"How long to wait for the batch jobs, including for a free job slot. The inputs of a job unfinished by then fail with its batch ID, whose results Get Batch Results fetches for free. Must be more than 0.",
			},
			{
				displayName: 'On No Match',
				name: 'onNoMatch',
				displayOptions: { hide: { '/operation': ['getBatchResults'] } },
				type: 'options',
				options: [
					{ name: 'Emit an Item', value: 'emitItem', description: 'Output one item with match_status not_found or redacted' },
					{ name: 'Raise an Error', value: 'error', description: 'Treat the input as failed' },
					{ name: 'Skip', value: 'skip', description: 'Output nothing for the input' },
				],
				default: 'emitItem',
				description: 'What to output when no person matches an input',
			},
			{
				displayName: 'Preview',
				name: 'preview',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'boolean',
				default: false,
				description: 'Whether to request basic fields only, at no credit cost (must be enabled for your account)',
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long to wait for one answer before retrying the request',
			},
			{
				displayName: 'Require Employer Domain Match',
				name: 'requireEmployerDomainMatch',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/operation': ['enrich', 'enrichBatch'], '/identifierType': ['businessEmail'] } },
				description:
					"Whether to keep only candidates who work now at the email's company: their employer's website domain is the email's (jane@mail.acme.com and acme.com match). The others are dropped; an email left with none is a no-match (see On No Match). Costs nothing extra.",
			},
			{
				displayName: 'Return Matches',
				name: 'returnMatches',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'options',
				options: [
					{ name: 'All Matches', value: 'all', description: 'One item per candidate match' },
					{ name: 'Best Match Only', value: 'best', description: 'Only the candidate with the highest confidence score' },
				],
				default: 'all',
				description: 'Whether to output every candidate match or only the most confident one. Email lookups can return several.',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description:
					'Whether to add a flat person object (name, title, company, location, social links, emails, phones) beside the full person_data, with empty values as null',
			},
			{
				displayName: 'Verified Emails Only',
				name: 'verifiedEmailsOnly',
				displayOptions: { hide: { '/operation': ['enrichBatch', 'getBatchResults'] } },
				type: 'boolean',
				default: false,
				description: `Whether Crustdata should re-check business emails for deliverability when asked and return only those that pass. Applies when Fields includes Contact; costs ${VERIFIED_EMAIL_CREDITS} credits more for each person who gets one.`,
			},
		],
	},
];
