import { strict as assert } from 'node:assert';
import { redactText } from '../../src/core/url-redact';

describe('redactText (log and trace lines)', () => {
  it('masks the password of every URL in a JSON message trace, keeping the rest', () => {
    const trace = `Received response 'alembic/databaseUrl - (7)' in 2ms.\nResult: {\n    "url": "postgresql://alembic_test:pw0123abcd@127.0.0.1:5432/app"\n}`;
    const out = redactText(trace);
    assert.ok(!out.includes('pw0123abcd'), out);
    assert.ok(out.includes('"url": "postgresql://alembic_test:***@127.0.0.1:5432/app"'), out);
    assert.ok(out.startsWith("Received response 'alembic/databaseUrl - (7)' in 2ms."), out);
  });
  it('masks several URLs on one line, and schemes with a driver', () => {
    const out = redactText('a mysql+pymysql://a:one@h/x b postgresql+psycopg2://b:two@h2/y c');
    assert.equal(out, 'a mysql+pymysql://a:***@h/x b postgresql+psycopg2://b:***@h2/y c');
  });
  it('masks a password holding quotes, JSON escapes or @ whole', () => {
    const out = redactText('"url": "postgresql://u:p\\"w@d@h/db",');
    assert.ok(!out.includes('p\\"w') && !out.includes('w@d'), out);
    assert.ok(out.includes('postgresql://u:***@h/db",'), out);
  });
  it('masks password= keywords in quoted and query forms', () => {
    assert.equal(redactText('"host=h password=zz dbname=x"'), '"host=h password=*** dbname=x"');
    assert.equal(redactText('"postgresql://h/db?user=u&password=s3&x=1"'), '"postgresql://h/db?user=u&password=***&x=1"');
    assert.equal(redactText('{"password=abc"}'), '{"password=***"}');
  });
  it('leaves text without passwords alone', () => {
    const text = 'sqlite:///app.db and postgresql://scott@localhost/test; a://b and :// alone, e-mail x@y.z';
    assert.equal(redactText(text), text);
  });
  it('stays linear on long hostile text', () => {
    const long = `${'a'.repeat(200_000)}://${'b:'.repeat(100_000)}`;
    assert.equal(redactText(long).length, long.length);
    const many = '://'.repeat(100_000);
    assert.equal(redactText(many), many);
  });
});
