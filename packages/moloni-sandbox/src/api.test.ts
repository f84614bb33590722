import { describe, expect, it } from 'vitest';
import { sandbox } from './test/http.ts';

describe('transport', () => {
  it('accepts endpoints with or without the trailing slash, case-insensitively', async () => {
    const test = await sandbox();
    for (const path of ['companies/getAll/', 'companies/getAll', 'Companies/GetAll/']) {
      const response = await fetch(`${test.running.baseUrl}${path}?access_token=${test.token}`, {
        method: 'POST',
      });
      expect(await response.json()).toEqual([
        expect.objectContaining({ company_id: 5 }),
        expect.objectContaining({ company_id: 240211 }),
      ]);
    }
  });

  it('reads the body by the json flag, not the Content-Type', async () => {
    const test = await sandbox();
    const url = `${test.running.baseUrl}taxes/getAll/?access_token=${test.token}`;
    const asJson = JSON.stringify({ company_id: 240211, fiscal_zone: 'PT-AC' });
    // JSON without json=true is read as a form: no company_id.
    const unflagged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: asJson,
    });
    expect(await unflagged.json()).toEqual(['1 company_id']);
    const flagged = await fetch(`${url}&json=true`, { method: 'POST', body: asJson });
    expect(
      ((await flagged.json()) as Array<{ value: number }>).map((tax: { value: number }) => tax.value),
    ).toEqual([16, 9, 4, 0, 18]);
    const form = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ company_id: '240211', fiscal_zone: 'PT-MA' }),
    });
    expect(
      ((await form.json()) as Array<{ value: number }>).map((tax: { value: number }) => tax.value),
    ).toEqual([22, 12, 4, 0, 5]);
  });

  it('rejects malformed JSON and unknown methods with 4xx, not a data error', async () => {
    const test = await sandbox();
    const broken = await fetch(
      `${test.running.baseUrl}companies/getAll/?access_token=${test.token}&json=true`,
      {
        method: 'POST',
        body: '{"company_id": ',
      },
    );
    expect(broken.status).toBe(400);
    expect(await test.call('companies/explode')).toMatchObject({
      status: 404,
      body: { error: 'invalid_request' },
    });
  });

  it('renders data errors as strings, or as {code, description} with human_errors=true', async () => {
    const test = await sandbox();
    expect(await test.call('customers/getOne', { company_id: 1 })).toEqual({
      status: 200,
      body: ['2 company_id'],
    });
    const human = await test.call('customers/getOne', { company_id: '' }, { humanErrors: true });
    expect(human).toEqual({
      status: 200,
      body: [{ code: '1 company_id', description: 'The field company_id is required.' }],
    });
  });
});
