import type { IDataObject } from 'n8n-workflow';

import { emailDomainMatchesEmployer, employerCheckOnAccount, registrableDomain } from '../../nodes/CrustdataPersonEnrich/results/employerCheck';
import { settingsWith } from './settingsFixture';
import { fieldsTheEmployerCheckNeeds } from '../../nodes/CrustdataPersonEnrich/planning/requestFields';

describe('registrableDomain', () => {
	it.each([
		['acme.com', 'acme.com'],
		['mail.acme.com', 'acme.com'],
		['eu.mail.acme.com', 'acme.com'],
		['WWW.Acme.com.', 'acme.com'],
		['https://www.acme.com/about', 'acme.com'],
		['acme.co.uk', 'acme.co.uk'],
		['mail.acme.co.uk', 'acme.co.uk'],
		['shop.acme.com.au', 'acme.com.au'],
		['acme.com.ar', 'acme.com.ar'],
		['acme.io', 'acme.io'],
		['localhost', 'localhost'],
	])('%s is registered as %s', (host, registered) => {
		expect(registrableDomain(host)).toBe(registered);
	});
});

describe('emailDomainMatchesEmployer', () => {
	const workingAt = (...domains: unknown[]): IDataObject => ({
		experience: { employment_details: { current: domains.map((domain) => ({ name: 'Co', company_website_domain: domain })), past: [] } },
	});

	it("is true when the email's registrable domain is a current employer's", () => {
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt('acme.com'))).toBe(true);
		expect(emailDomainMatchesEmployer('jane@mail.acme.com', workingAt('side.io', 'acme.com'))).toBe(true);
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt('www.acme.com'))).toBe(true);
	});

	it('is false when the current employers have other domains, a look-alike on another suffix included', () => {
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt('globex.com'))).toBe(false);
		expect(emailDomainMatchesEmployer('jane@acme.co.uk', workingAt('acme.com'))).toBe(false);
		expect(emailDomainMatchesEmployer('jane@notacme.com', workingAt('acme.com'))).toBe(false);
	});

	it('is null when no current employer domain is known', () => {
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt())).toBeNull();
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt('', null))).toBeNull();
		expect(emailDomainMatchesEmployer('jane@acme.com', { basic_profile: { name: 'Jane' } })).toBeNull();
		expect(emailDomainMatchesEmployer('jane@acme.com', null)).toBeNull();
	});

	it('reads the domains that are known when another current employer has none', () => {
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt('', 'side.io'))).toBe(false);
		expect(emailDomainMatchesEmployer('jane@acme.com', workingAt(null, 'acme.com'))).toBe(true);
	});
});

describe('fieldsTheEmployerCheckNeeds', () => {
	it("asks for the employers' domains on email lookups only, unless the fields already hold them", () => {
		expect(fieldsTheEmployerCheckNeeds(settingsWith({ identifierType: 'businessEmail' }))).toEqual([
			'experience.employment_details.current.company_website_domain',
		]);
		expect(fieldsTheEmployerCheckNeeds(settingsWith({ identifierType: 'businessEmail', fields: ['experience'] }))).toEqual([]);
		expect(fieldsTheEmployerCheckNeeds(settingsWith({}))).toEqual([]);
		expect(fieldsTheEmployerCheckNeeds(settingsWith({ identifierType: 'businessEmail', preview: true }))).toEqual([]);
	});
});

describe('employerCheckOnAccount', () => {
	const byEmail = settingsWith({ identifierType: 'businessEmail' });

	it("asks for nothing the account is denied, and refuses a run that needs the employers' domains", () => {
		expect(employerCheckOnAccount(byEmail, ['certifications'])).toEqual({ settings: byEmail });
		const denied = employerCheckOnAccount(byEmail, ['experience']);
		expect(denied).toEqual({ settings: { ...byEmail, employerDomainsDenied: true } });
		expect('settings' in denied && fieldsTheEmployerCheckNeeds(denied.settings)).toEqual([]);
		expect(employerCheckOnAccount({ ...byEmail, requireEmployerDomainMatch: true }, ['experience.employment_details'])).toEqual({
			refusal: expect.objectContaining({ message: expect.stringMatching(/^Require Employer Domain Match needs the employers' domains/) }),
		});
	});
});

describe('emailDomainMatchesEmployer across Unicode and punycode (security review)', () => {
	const workingAt = (domain: string): IDataObject => ({
		experience: { employment_details: { current: [{ name: 'Bücher', company_website_domain: domain }], past: [] } },
	});

	it('matches an email at the punycode domain to an employer written in Unicode, and the other way round', () => {
		expect(emailDomainMatchesEmployer('jurgen@xn--bcher-kva.de', workingAt('bücher.de'))).toBe(true);
		expect(emailDomainMatchesEmployer('jurgen@bücher.de', workingAt('https://www.xn--bcher-kva.de/'))).toBe(true);
		expect(emailDomainMatchesEmployer('jurgen@buecher.de', workingAt('bücher.de'))).toBe(false);
	});
});
