// Parameters only the tool variant shows (`@tool`): what a model reads about the tool, and how much it gets back.
import type { INodeProperties } from 'n8n-workflow';

import {
	BASE_PROFILE_CREDITS,
	CONTACT_TIER_CREDITS,
	DEV_PLATFORM_CREDITS,
	LIVE_PROFILE_CREDITS,
	VERIFIED_EMAIL_CREDITS,
} from '../credits/prices';

const credits = (amount: number) => `${amount} ${amount === 1 ? 'credit' : 'credits'}`;

/**
 * What the model reads to decide when and how to call the tool. One text for every operation:
 * n8n keeps a parameter's value when another one of the same name takes its place, so a text per
 * identifier type would stay behind when the user switches type. The input schema names the
 * identifier the tool takes. n8n reads this unevaluated, so it states the prices as a rule.
 */
export const TOOL_DESCRIPTION = [
	'Look up one person in Crustdata and get back who they are, where they work and how to reach them.',
	"Give one identifier per call, the one this tool's input asks for: a LinkedIn profile URL (e.g. https://www.linkedin.com/in/jane-doe; other forms of the URL are cleaned up) or a business email (e.g. jane.doe@acme.com).",
	"Returns a JSON list with one entry per person found: matched_on (the identifier as looked up), match_status (matched, not_found or redacted), confidence_score, person (name, headline, current title, company and its domain, location, social links, and the emails and phone numbers this workflow asks for; empty values are left out) and, for emails, verification.email_domain_matches_employer (true when the person works now at the email's company).",
	`Each person found costs Crustdata credits: ${credits(BASE_PROFILE_CREDITS)} (${credits(LIVE_PROFILE_CREDITS)} for a live profile), plus ${CONTACT_TIER_CREDITS.business_emails} for business emails (${VERIFIED_EMAIL_CREDITS} more when verified), ${CONTACT_TIER_CREDITS.personal_emails} for personal emails, ${CONTACT_TIER_CREDITS.phone_numbers} for phone numbers and ${DEV_PLATFORM_CREDITS} for developer platform profiles when this workflow asks for them; a person not found costs nothing.`,
	'A failed call returns an entry with error: one sentence saying what to change; when rate limited, it says in how many seconds to call again.',
].join(' ');

const forTools = { show: { '@tool': [true] } };

/** First in the panel, where n8n puts the description of every tool. */
export const toolDescriptionProperty: INodeProperties = {
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	default: TOOL_DESCRIPTION,
	required: true,
	typeOptions: { rows: 6 },
	description:
		'What the agent reads about this tool to decide when and how to call it. The default says what it takes, returns and costs; add what the agent should know about your Fields, e.g. that contact data is included.',
	displayOptions: forTools,
};

export const includePersonDataProperty: INodeProperties = {
	displayName: 'Include Full Profile',
	name: 'includePersonData',
	type: 'boolean',
	default: false,
	description:
		"Whether the tool's answer carries the full person_data with every requested section beside the flat person. Off keeps an answer to a few hundred tokens; on can take thousands a person.",
	displayOptions: forTools,
};
