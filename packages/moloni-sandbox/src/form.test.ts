import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePhpForm, parsePhpForm } from './form.ts';

describe('parsePhpForm', () => {
  it('nests bracketed keys into lists and records, like PHP parse_str', () => {
    const body =
      'company_id=240211&products%5B0%5D%5Bname%5D=Mensalidade+mensal&products[0][taxes][0][tax_id]=2564343' +
      '&products[0][taxes][0][value]=23&products[1][name]=Outro&products[1][qty]=2';
    expect(parsePhpForm(body)).toEqual({
      company_id: '240211',
      products: [
        { name: 'Mensalidade mensal', taxes: [{ tax_id: '2564343', value: '23' }] },
        { name: 'Outro', qty: '2' },
      ],
    });
  });

  it('appends with [] and orders numeric keys by index', () => {
    expect(parsePhpForm('a[]=x&a[]=y&b[2]=two&b[0]=zero')).toEqual({ a: ['x', 'y'], b: ['zero', 'two'] });
  });

  it('keeps records with non-numeric keys as records, and the last value of a repeated key', () => {
    expect(parsePhpForm('send_email[0][email]=a%40b.pt&x=1&x=2')).toEqual({
      send_email: [{ email: 'a@b.pt' }],
      x: '2',
    });
  });

  it('round-trips what encodePhpForm writes', () => {
    const key = fc.stringMatching(/^[a-z_]{1,8}$/);
    const leaf = fc.string({ maxLength: 12 });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
        fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (data) => {
        expect(parsePhpForm(encodePhpForm(data))).toEqual(data);
      }),
    );
  });
});
