// The `alembic` settings section read into ServerSettings (src/protocol/settings.ts): the one
// normaliser the language server and the extension both use.
import * as assert from 'node:assert/strict';
import { defaultSettings, serverSection, toSettings } from '../../src/protocol/settings';

describe('toSettings (one normaliser for both sides)', () => {
  it('trims strings, drops empty and non-string entries, reads the lint object', () => {
    assert.deepEqual(
      toSettings({
        configFile: '  conf/alembic.ini ',
        section: ' staging ',
        versionLocations: [' a/versions ', '', 3, 'b'],
        recursiveVersionLocations: true,
        defines: { 'app.settings.SCHEMA': 'tenant', 'not a name': 'x', n: 1 },
        lint: { scope: 'all', severity: { 'set-not-null': 'warning', bad: 2 } },
      }),
      {
        configFile: 'conf/alembic.ini',
        section: 'staging',
        versionLocations: ['a/versions', 'b'],
        recursiveVersionLocations: true,
        lintScope: 'all',
        lintSeverity: { 'set-not-null': 'warning' },
        defines: { 'app.settings.SCHEMA': 'tenant' },
      },
    );
  });

  it('falls back to the defaults on missing or mistyped values', () => {
    assert.deepEqual(toSettings(undefined), defaultSettings);
    assert.deepEqual(toSettings({ configFile: '', section: 7, versionLocations: 'x', recursiveVersionLocations: 'yes', lint: { scope: 'sometimes' } }), defaultSettings);
  });
});

describe('serverSection (the client\'s answer to workspace/configuration)', () => {
  it('sends the keys the server reads and nothing else: no database URL crosses the connection', () => {
    const raw = {
      configFile: 'db/alembic.ini',
      section: 'other',
      versionLocations: ['a'],
      recursiveVersionLocations: true,
      defines: { 'app.X': '1' },
      lint: { scope: 'all', severity: { 'add-column-not-null': 'off' }, extra: 1 },
      databaseUrl: 'postgresql://u:secret@h/db',
      databaseUrlEnvVar: 'DATABASE_URL',
      command: ['alembic'],
      trace: { server: 'verbose' },
    };
    const sent = serverSection(raw);
    assert.deepEqual(sent, {
      configFile: 'db/alembic.ini',
      section: 'other',
      versionLocations: ['a'],
      recursiveVersionLocations: true,
      defines: { 'app.X': '1' },
      lint: { scope: 'all', severity: { 'add-column-not-null': 'off' } },
    });
    assert.ok(!JSON.stringify(sent).includes('secret'));
    // The server reads the same settings from the filtered section as from the whole one.
    assert.deepEqual(toSettings(sent), toSettings(raw));
    assert.deepEqual(serverSection(null), {});
  });
});
