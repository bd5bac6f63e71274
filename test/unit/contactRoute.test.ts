import type { IDataObject } from 'n8n-workflow';

import type { AccountReading, EndpointAccess } from '../../nodes/CrustdataPersonEnrich/account/accountLimits';
import { ContactBatches, type ContactRunSettings } from '../../nodes/CrustdataPersonEnrich/contact/contactPass';
import { ContactRouting, dropsContact, judgeContact, refusesContact, type ContactVerdict } from '../../nodes/CrustdataPersonEnrich/contact/contactRoute';
import type { ContactSettings, ContactSource } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { answer, error, URL_TYPE } from './transportFixtures';

const ENRICH = '/person/enrich';
const CONTACT = '/person/contact/enrich';
const emails: ContactSettings = { tiers: ['business_emails', 'phone_numbers'], verified: false };

const access = (path: string, overrides: Partial<EndpointAccess> = {}): AccountReading => ({
	access: { path, enabled: true, disabledFields: [], ...overrides },
});
/** Generation 1: the profile endpoint lists contact; the contact endpoint is for enterprise plans. */
const generation1 = access(ENRICH, { enabledFields: ['basic_profile', 'contact', 'contact.business_emails'] });
/** Generation 2: no contact on the profile endpoint. */
const generation2 = access(ENRICH, { enabledFields: ['basic_profile', 'basic_profile.name', 'assessment'] });
const contactEndpoint = access(CONTACT, { endpointLimit: 30, enabledFields: ['contact.business_emails'] });
const contactNotEnabled = access(CONTACT, { enabled: false });
const unreadable: AccountReading = { unreadable: 'it answered 500' };

describe('judgeContact', () => {
	it('asks the profile endpoint when its listing gives the tiers, a section or the paths', () => {
		expect(judgeContact(emails, generation1, contactNotEnabled, 0)).toMatchObject({ source: 'profile' });
		const byPath = access(ENRICH, { enabledFields: ['contact.business_emails', 'contact.phone_numbers'] });
		expect(judgeContact(emails, byPath, unreadable, 0)).toMatchObject({ source: 'profile' });
		expect(judgeContact(emails, byPath, unreadable, 0).hint).toBeUndefined();
	});

	it('asks the contact endpoint when the profile endpoint does not list the tiers, at its own limit', () => {
		expect(judgeContact(emails, generation2, contactEndpoint, 0)).toEqual({
			source: 'contactEndpoint',
			mayMove: true,
			rateLimit: { requestsPerMinute: 30, source: `the account's limit for ${CONTACT}` },
		});
		const onlyEmails = access(ENRICH, { enabledFields: ['contact.business_emails'] });
		expect(judgeContact(emails, onlyEmails, contactEndpoint, 0).source).toBe('contactEndpoint');
	});

	it('asks the contact endpoint when the profile endpoint denies a tier', () => {
		const denied = access(ENRICH, { enabledFields: ['contact'], disabledFields: ['contact.phone_numbers'] });
		expect(judgeContact(emails, denied, contactEndpoint, 0).source).toBe('contactEndpoint');
	});

	it('prefers the contact endpoint for verified emails where the account has both, and says when it has only the profile', () => {
		const verified = { ...emails, verified: true };
		expect(judgeContact(verified, generation1, contactEndpoint, 0).source).toBe('contactEndpoint');
		for (const notShown of [contactNotEnabled, unreadable]) {
			const onProfile = judgeContact(verified, generation1, notShown, 0);
			expect(onProfile.source).toBe('profile');
			expect(onProfile.hint?.message).toMatch(/^Business emails were not re-checked/);
		}
	});

	it('refuses before spending when neither endpoint has contact data', () => {
		expect(judgeContact(emails, generation2, contactNotEnabled, 0).refusal?.message).toBe('Your Crustdata plan has no contact data');
		const deniedTiers = access(CONTACT, { disabledFields: ['contact.phone_numbers'] });
		expect(judgeContact(emails, generation2, deniedTiers, 0).refusal).toMatchObject({
			message: "Your Crustdata plan does not include the contact data 'contact.phone_numbers'",
			description: 'Remove it from Contact Fields, or ask Crustdata to enable it for your account',
		});
	});

	it('tries the profile endpoint when the listings cannot tell, and the contact endpoint when only it may serve', () => {
		expect(judgeContact(emails, unreadable, unreadable, 0)).toMatchObject({ source: 'untold' });
		expect(judgeContact(emails, access(ENRICH), contactEndpoint, 0).source).toBe('contactEndpoint');
		expect(judgeContact(emails, access(ENRICH), unreadable, 0).source).toBe('untold');
		const toEndpoint = judgeContact(emails, generation2, unreadable, 0);
		expect(toEndpoint.source).toBe('contactEndpoint');
		expect(toEndpoint.hint?.message).toMatch(`limits for ${CONTACT}`);
	});
});

describe('refusesContact and dropsContact', () => {
	it('reads a 400 whose available fields lack contact, or a 403 naming it, as a refusal of contact data', () => {
		const available = (fields: string[]) => error('invalid_request', 'Invalid fields: contact.business_emails', { available_fields: fields });
		expect(refusesContact(answer(400, available(['basic_profile', 'assessment'])))).toBe(true);
		expect(refusesContact(answer(400, available(['basic_profile', 'contact.business_emails'])))).toBe(false);
		expect(refusesContact(answer(403, error('permission_error', 'Access denied to fields: contact.business_emails')))).toBe(true);
		expect(refusesContact(answer(403, error('permission_denied', "Access to field 'certifications' is not enabled")))).toBe(false);
		expect(refusesContact(answer(400, error('invalid_request', 'Invalid business emails: a@x.gov')))).toBe(false);
		// The word in an address or a URL path is not the field.
		expect(refusesContact(answer(400, error('invalid_request', 'Invalid fields in request for contact@agency.gov')))).toBe(false);
		expect(refusesContact(answer(400, error('invalid_request', 'Unknown fields; use /person/contact/enrich')))).toBe(false);
		expect(refusesContact(answer(400, error('invalid_request', 'Invalid fields: contact')))).toBe(true);
		expect(refusesContact(answer(500, error('internal_error', 'contact')))).toBe(false);
	});

	it('reads an answer as dropping contact data only when no match has the section', () => {
		const entry = (...personData: IDataObject[]) => ({ matched_on: 'x', matches: personData.map((data) => ({ person_data: data })) });
		expect(dropsContact([entry({ basic_profile: {} }), entry({ basic_profile: {} })], emails)).toBe(true);
		expect(dropsContact([entry({ basic_profile: {} }), entry({ contact: { business_emails: [] } })], emails)).toBe(false);
		// A section without any chosen tier is contact data left out too.
		expect(dropsContact([entry({ contact: {} }), entry({ contact: { websites: [] } })], emails)).toBe(true);
		expect(dropsContact([{ matched_on: 'x', matches: [] }], emails)).toBe(false);
	});
});

describe('ContactRouting', () => {
	const settings = settingsWith({ fields: ['basic_profile'], contact: emails }) as ContactRunSettings;
	const refused = answer(400, error('invalid_request', 'Invalid fields: contact.business_emails', { available_fields: ['basic_profile'] }));
	const verdict = (source: ContactSource, mayMove = true): ContactVerdict => ({ source, mayMove, rateLimit: { requestsPerMinute: 15, source: 'test' } });

	it('sends the tiers with the profile until the profile endpoint refuses them, then sends the refused request again without', () => {
		const routing = new ContactRouting(verdict('untold'), settings, new ContactBatches(25));
		const first = ['https://www.linkedin.com/in/a'];
		const second = ['https://www.linkedin.com/in/b'];
		expect(routing.body(first).fields).toEqual(['basic_profile', 'contact.business_emails', 'contact.phone_numbers']);
		routing.body(second);
		expect(routing.classify(refused, first, URL_TYPE)).toEqual({ kind: 'resend' });
		expect(routing.movedBecause).toBe('refused');
		// A request that went out with the tiers before the move is sent again too.
		expect(routing.classify(refused, second, URL_TYPE)).toEqual({ kind: 'resend' });
		expect(routing.body(first).fields).toEqual(['basic_profile']);
		// Refused again without the tiers, it is not contact data that is refused.
		expect(routing.classify(refused, first, URL_TYPE).kind).toBe('stop');
	});

	it('does not move to a contact endpoint the listing says is off, and stops before billing instead', () => {
		const routing = new ContactRouting(verdict('untold', false), settings, new ContactBatches(25));
		const identifiers = ['https://www.linkedin.com/in/a'];
		routing.body(identifiers);
		expect(routing.classify(refused, identifiers, URL_TYPE)).toEqual({ kind: 'stop', failure: expect.objectContaining({ message: 'Your Crustdata plan has no contact data' }) });
		expect(routing.usesContactEndpoint).toBe(false);
	});

	it('leaves a 400 about an identifier to the answer policy, whatever the identifier says', () => {
		const routing = new ContactRouting(verdict('untold'), settings, new ContactBatches(25));
		const identifiers = ['contact@agency.gov', 'jane@acme.io'];
		routing.body(identifiers);
		const named = answer(400, error('invalid_request', 'Invalid business emails: contact@agency.gov'));
		expect(routing.classify(named, identifiers, 'business_email')).toMatchObject({ kind: 'rejected', identifiers: ['contact@agency.gov'] });
		expect(routing.usesContactEndpoint).toBe(false);
	});

	it('never moves a run whose account listing said the profile endpoint serves contact data', () => {
		const routing = new ContactRouting(verdict('profile'), settings, new ContactBatches(25));
		const identifiers = ['https://www.linkedin.com/in/a'];
		routing.body(identifiers);
		expect(routing.classify(refused, identifiers, URL_TYPE).kind).toBe('stop');
		expect(routing.usesContactEndpoint).toBe(false);
	});

	it('hands the contact pass the matched profiles without contact data, once each', () => {
		const batches = new ContactBatches(25);
		const routing = new ContactRouting(verdict('contactEndpoint'), settings, batches);
		const matched = (slug: string, personData: IDataObject = { basic_profile: {} }) => ({
			matched_on: `https://www.linkedin.com/in/${slug}/`,
			matches: [{ confidence_score: 1, person_data: personData }],
		});
		const redacted = { ...matched('d'), match_status: 'redacted' };
		routing.onAnswered([matched('a'), matched('b', { contact: { business_emails: [] } }), { matched_on: 'https://www.linkedin.com/in/c', matches: [] }, redacted, matched('a')]);
		expect([...batches.asked]).toEqual(['https://www.linkedin.com/in/a']);
	});

	it('asks for the profile URL itself on email lookups, and for the name when nothing but contact is chosen', () => {
		const byEmail = { ...settings, identifierType: 'businessEmail' as const, fields: [] };
		const routing = new ContactRouting(verdict('contactEndpoint'), byEmail, new ContactBatches(25));
		expect(routing.body(['a@acme.io'])).toEqual({
			business_emails: ['a@acme.io'],
			fields: ['experience.employment_details.current.company_website_domain', 'social_handles.professional_network_identifier.profile_url'],
		});
		const withHandles = new ContactRouting(verdict('contactEndpoint'), { ...byEmail, fields: ['social_handles'] }, new ContactBatches(25));
		expect(withHandles.body(['a@acme.io']).fields).toEqual(['social_handles', 'experience.employment_details.current.company_website_domain']);
		const byUrl = new ContactRouting(verdict('contactEndpoint'), { ...settings, fields: [] }, new ContactBatches(25));
		expect(byUrl.body(['https://www.linkedin.com/in/a']).fields).toEqual(['basic_profile.name']);
	});
});
