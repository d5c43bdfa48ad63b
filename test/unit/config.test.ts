// Project configuration from alembic.ini / pyproject.toml text (pure core: no files touched).
import * as assert from 'node:assert/strict';
import { parseProjectConfig, redactUrl, type ProjectConfig } from '../../src/core/config';

const INI = '/p/alembic.ini';
const TOML = '/p/pyproject.toml';

function fromIni(text: string, section?: string): ProjectConfig {
  return parseProjectConfig({ ini: { path: INI, text }, section, pathDelimiter: ':' });
}
function fromToml(text: string, ini?: string): ProjectConfig {
  return parseProjectConfig({ ini: ini === undefined ? null : { path: INI, text: ini }, pyproject: { path: TOML, text }, pathDelimiter: ':' });
}
const problems = (c: ProjectConfig): string[] => c.problems.map((p) => `${p.path}:${p.line} ${p.severity}: ${p.message}`);

describe('config: alembic.ini', () => {
  it('reads the generic template: relative script_location, defaults for the rest', () => {
    const c = fromIni('[alembic]\nscript_location = migrations\nprepend_sys_path = .\nsqlalchemy.url = driver://user:pass@localhost/dbname\n');
    assert.equal(c.configPath, INI);
    assert.equal(c.pyprojectPath, null);
    assert.equal(c.section, 'alembic');
    assert.equal(c.rootDir, '/p');
    assert.equal(c.scriptLocation, '/p/migrations');
    assert.deepEqual(c.versionLocations, ['/p/migrations/versions']);
    assert.equal(c.recursiveVersionLocations, false);
    assert.equal(c.sqlalchemyUrl, 'driver://user:pass@localhost/dbname');
    assert.equal(c.fileTemplate, '%(rev)s_%(slug)s');
    assert.equal(c.truncateSlugLength, 40);
    assert.deepEqual(c.prependSysPath, ['/p']);
    assert.deepEqual(c.settingLocations.script_location, { path: INI, line: 1 });
    assert.deepEqual(problems(c), []);
  });

  it('resolves %(here)s, absolute paths and %% in file_template', () => {
    const c = fromIni('[alembic]\nscript_location = %(here)s/db/alembic\nversion_locations = /abs/v1\nfile_template = %%(year)d_%%(rev)s_%%(slug)s\ntruncate_slug_length = 20\n');
    assert.equal(c.scriptLocation, '/p/db/alembic');
    assert.deepEqual(c.versionLocations, ['/abs/v1']);
    assert.equal(c.fileTemplate, '%(year)d_%(rev)s_%(slug)s');
    assert.equal(c.truncateSlugLength, 20);
  });

  it('uses the -n/--name section', () => {
    const text = '[alembic]\nscript_location = a\n[tenant]\nscript_location = t\nsqlalchemy.url = postgresql://t/db\n';
    const c = fromIni(text, 'tenant');
    assert.equal(c.section, 'tenant');
    assert.equal(c.scriptLocation, '/p/t');
    assert.equal(c.sqlalchemyUrl, 'postgresql://t/db');
  });

  it('leaves package:path unresolved for io', () => {
    const c = fromIni('[alembic]\nscript_location = myapp.db:migrations\n');
    assert.equal(c.scriptLocation, 'myapp.db:migrations');
    assert.deepEqual(c.versionLocations, ['myapp.db:migrations/versions']);
  });

  it('splits version_locations on spaces and commas without path_separator (legacy), with an info', () => {
    const c = fromIni('[alembic]\nscript_location = m\nversion_locations = %(here)s/a, b  c,d\n');
    assert.deepEqual(c.versionLocations, ['/p/a', '/p/b', '/p/c', '/p/d']);
    assert.deepEqual(problems(c), [
      '/p/alembic.ini:2 info: No path_separator found in configuration; falling back to legacy splitting on spaces/commas for version_locations.  Consider adding path_separator=os to Alembic config.',
    ]);
  });

  it('honours every path_separator value', () => {
    const cases: Array<[string, string, string[]]> = [
      ['os', 'a b:c', ['/p/a b', '/p/c']],
      [':', 'a b:c', ['/p/a b', '/p/c']],
      [';', 'a b; c', ['/p/a b', '/p/c']],
      ['space', 'a,b c', ['/p/a,b', '/p/c']],
      ['newline', '\n  a b\n  c', ['/p/a b', '/p/c']],
    ];
    for (const [sep, value, want] of cases) {
      const c = fromIni(`[alembic]\nscript_location = m\npath_separator = ${sep}\nversion_locations = ${value}\n`);
      assert.deepEqual(c.versionLocations, want, `path_separator = ${sep}`);
      assert.deepEqual(problems(c), [], `path_separator = ${sep}`);
    }
  });

  it('path_separator = os follows the platform delimiter', () => {
    const c = parseProjectConfig({ ini: { path: INI, text: '[alembic]\nscript_location = m\npath_separator = os\nversion_locations = a;b\n' }, pathDelimiter: ';' });
    assert.deepEqual(c.versionLocations, ['/p/a', '/p/b']);
  });

  it('accepts the deprecated version_path_separator with an info, and rejects unknown separators', () => {
    const old = fromIni('[alembic]\nscript_location = m\nversion_path_separator = ;\nversion_locations = a;b\n');
    assert.deepEqual(old.versionLocations, ['/p/a', '/p/b']);
    assert.deepEqual(problems(old), ['/p/alembic.ini:2 info: The version_path_separator configuration parameter is deprecated; please use path_separator']);
    const bad = fromIni('[alembic]\nscript_location = m\npath_separator = comma\nversion_locations = a,b\n');
    assert.deepEqual(problems(bad)[0], "/p/alembic.ini:2 error: 'comma' is not a valid value for path_separator; expected 'space', 'newline', 'os', ':', ';'");
  });

  it("ignores the 1.8 template's broken `version_path_separator = os  # comment` unless version_locations is set, as Alembic does", () => {
    const template = '[alembic]\nscript_location = m\nprepend_sys_path = .\nversion_path_separator = os  # Use os.pathsep.\n';
    const ok = fromIni(template);
    assert.deepEqual(problems(ok), []);
    assert.deepEqual(ok.prependSysPath, ['/p']);
    const broken = fromIni(`${template}version_locations = a b\n`);
    assert.deepEqual(problems(broken), [
      "/p/alembic.ini:3 error: 'os  # Use os.pathsep.' is not a valid value for version_path_separator; expected 'space', 'newline', 'os', ':', ';'. The ini format keeps a comment on the same line as part of the value: move it to a line of its own.",
    ]);
    assert.deepEqual(broken.versionLocations, ['/p/a', '/p/b']);
  });

  it('reports an invalid path_separator once even when it only splits prepend_sys_path', () => {
    assert.deepEqual(problems(fromIni('[alembic]\nscript_location = m\npath_separator = tab\nprepend_sys_path = .\n')), [
      "/p/alembic.ini:2 error: 'tab' is not a valid value for path_separator; expected 'space', 'newline', 'os', ':', ';'",
    ]);
  });

  it('warns when a multi-line version_locations would not be split (no path_separator = newline)', () => {
    const c = fromIni('[alembic]\nscript_location = m\nversion_locations =\n  a\n  b\n');
    assert.deepEqual(c.versionLocations, ['/p/\na\nb']);
    assert.equal(
      problems(c)[1],
      '/p/alembic.ini:2 warning: version_locations spans several lines, but without path_separator = newline Alembic does not split on line breaks: each line break becomes part of a folder name',
    );
  });

  it('splits prepend_sys_path on space/comma/colon (legacy) or path_separator', () => {
    assert.deepEqual(fromIni('[alembic]\nscript_location = m\nprepend_sys_path = . src:lib\n').prependSysPath, ['/p', '/p/src', '/p/lib']);
    assert.deepEqual(fromIni('[alembic]\nscript_location = m\npath_separator = ;\nprepend_sys_path = a b;c\n').prependSysPath, ['/p/a b', '/p/c']);
  });

  it('turns recursion on only for the exact value true, warning about look-alikes', () => {
    assert.equal(fromIni('[alembic]\nscript_location = m\nrecursive_version_locations = true\n').recursiveVersionLocations, true);
    const c = fromIni('[alembic]\nscript_location = m\nrecursive_version_locations = True\n');
    assert.equal(c.recursiveVersionLocations, false);
    assert.deepEqual(problems(c), [
      "/p/alembic.ini:2 warning: recursive_version_locations = True is treated as false: Alembic only turns it on for the exact value 'true'",
    ]);
    assert.deepEqual(problems(fromIni('[alembic]\nscript_location = m\nrecursive_version_locations = false\n')), []);
  });

  it('reports a missing script_location and a missing section with alembic’s messages', () => {
    assert.deepEqual(problems(fromIni('[alembic]\nsqlalchemy.url = x\n')), ["/p/alembic.ini:0 error: No 'script_location' key found in configuration."]);
    const c = fromIni('[loggers]\nkeys = root\n', 'alembic');
    assert.deepEqual(problems(c), ["/p/alembic.ini:0 error: No config file '/p/alembic.ini' found, or file has no '[alembic]' section"]);
    assert.equal(c.scriptLocation, null);
    assert.deepEqual(c.versionLocations, []);
  });

  it('reports a broken ini line and bad interpolation at their lines, never showing the password', () => {
    const c = fromIni('[alembic]\nscript_location = m\nsqlalchemy.url = postgresql://u:s3cr%t@h/db\njunk\n');
    assert.deepEqual(problems(c), [
      '/p/alembic.ini:3 error: Line is not a `key = value` option, a [section] header or a comment',
      "/p/alembic.ini:2 error: Bad interpolation in 'sqlalchemy.url': '%' must be followed by '%' or '(' (write '%%' for a literal '%')",
    ]);
    assert.equal(c.sqlalchemyUrl, null);
    assert.ok(!problems(c).join('\n').includes('s3cr'));
  });

  it('reports a non-integer truncate_slug_length and keeps 40', () => {
    const c = fromIni('[alembic]\nscript_location = m\ntruncate_slug_length = forty\n');
    assert.equal(c.truncateSlugLength, 40);
    assert.deepEqual(problems(c), ["/p/alembic.ini:2 error: truncate_slug_length must be an integer, got 'forty'"]);
  });

  it('takes script_location from [DEFAULT] too', () => {
    assert.equal(fromIni('[DEFAULT]\nscript_location = d\n[alembic]\n').scriptLocation, '/p/d');
  });
});

describe('config: pyproject.toml [tool.alembic]', () => {
  const TOML_PROJECT = [
    '[project]',
    'name = "app"',
    '',
    '[tool.alembic]',
    'script_location = "%(here)s/alembic"',
    'file_template = "%%(rev)s_%%(slug)s"',
    'version_locations = ["%(here)s/alembic/versions", "other/versions"]',
    'prepend_sys_path = ["."]',
    'recursive_version_locations = true',
    'truncate_slug_length = 30',
    '',
  ].join('\n');

  it('reads a pyproject-only project with real lists', () => {
    const c = fromToml(TOML_PROJECT);
    assert.equal(c.configPath, null);
    assert.equal(c.pyprojectPath, TOML);
    assert.equal(c.rootDir, '/p');
    assert.equal(c.scriptLocation, '/p/alembic');
    assert.deepEqual(c.versionLocations, ['/p/alembic/versions', '/p/other/versions']);
    assert.deepEqual(c.prependSysPath, ['/p']);
    assert.equal(c.recursiveVersionLocations, true);
    assert.equal(c.fileTemplate, '%(rev)s_%(slug)s');
    assert.equal(c.truncateSlugLength, 30);
    assert.equal(c.sqlalchemyUrl, null);
    assert.deepEqual(c.settingLocations.version_locations, { path: TOML, line: 6 });
    assert.deepEqual(problems(c), []);
  });

  it('with alembic.ini beside it: the ini gives the URL, toml the rest, the ini winning on shared keys', () => {
    const c = fromToml(TOML_PROJECT, '[alembic]\nsqlalchemy.url = postgresql://app:pw@db/app\n[loggers]\nkeys = root\n');
    assert.equal(c.configPath, INI);
    assert.equal(c.pyprojectPath, TOML);
    assert.equal(c.scriptLocation, '/p/alembic');
    assert.equal(c.sqlalchemyUrl, 'postgresql://app:pw@db/app');
    assert.deepEqual(problems(c), []);
    const iniWins = fromToml(TOML_PROJECT, '[alembic]\nscript_location = from_ini\n');
    assert.equal(iniWins.scriptLocation, '/p/from_ini');
    assert.deepEqual(iniWins.versionLocations, ['/p/alembic/versions', '/p/other/versions']);
  });

  it('an ini with only logging sections is fine when pyproject has [tool.alembic]', () => {
    const c = fromToml('[tool.alembic]\nscript_location = "m"\n', '[loggers]\nkeys = root\n');
    assert.deepEqual(problems(c), []);
    assert.equal(c.scriptLocation, '/p/m');
  });

  it('reports invalid TOML at its line', () => {
    const c = fromToml('[tool.alembic]\nscript_location = "m"\nversion_locations = [\n');
    assert.deepEqual(problems(c), ['/p/pyproject.toml:3 error: Invalid TOML: invalid value']);
    assert.equal(c.pyprojectPath, null);
    assert.equal(c.scriptLocation, null);
    const unterminated = fromToml('[tool.alembic]\nscript_location = "m\nx = 1\n');
    assert.deepEqual(problems(unterminated), ['/p/pyproject.toml:1 error: Invalid TOML: control characters are not allowed in strings']);
  });

  it('reports wrong value types in [tool.alembic]', () => {
    const c = fromToml('[tool.alembic]\nscript_location = "m"\nversion_locations = "a b"\nrecursive_version_locations = "true"\n');
    assert.deepEqual(problems(c), [
      "/p/pyproject.toml:2 error: 'version_locations' in [tool.alembic] must be a list of strings",
      "/p/pyproject.toml:3 error: boolean value expected for TOML parameter 'recursive_version_locations'",
    ]);
    assert.deepEqual(c.versionLocations, ['/p/m/versions']);
  });

  it('reports a %(rev)s that should have been %%(rev)s', () => {
    const c = fromToml('[tool.alembic]\nscript_location = "m"\nfile_template = "%(rev)s"\n');
    assert.deepEqual(problems(c), [
      "/p/pyproject.toml:2 error: Bad interpolation in [tool.alembic] 'file_template': '%(rev)s' is not a known substitution (only %(here)s is; write '%%' for a literal '%')",
    ]);
  });

  it('reports a [tool.alembic] without script_location', () => {
    assert.deepEqual(problems(fromToml('\n[tool.alembic]\nfile_template = "x"\n')), ["/p/pyproject.toml:1 error: No 'script_location' key found in configuration."]);
  });

  it('reports [tool.alembic] that is not a table', () => {
    assert.deepEqual(problems(fromToml('[tool]\nalembic = 3\n')), ['/p/pyproject.toml:0 error: Incorrect TOML format: [tool.alembic] is not a table']);
  });
});

describe('redactUrl', () => {
  it('replaces the password, keeping everything else', () => {
    assert.equal(redactUrl('postgresql+psycopg2://scott:tiger@localhost:5432/test'), 'postgresql+psycopg2://scott:***@localhost:5432/test');
    assert.equal(redactUrl('postgresql://u:p@ss:w@rd@host/db'), 'postgresql://u:***@host/db');
    assert.equal(redactUrl('postgresql://u:p%40ss@host/db?sslmode=require'), 'postgresql://u:***@host/db?sslmode=require');
  });
  it('leaves URLs without a password alone', () => {
    assert.equal(redactUrl('postgresql://scott@localhost/test'), 'postgresql://scott@localhost/test');
    assert.equal(redactUrl('postgresql:///test?host=/var/run/postgresql'), 'postgresql:///test?host=/var/run/postgresql');
    assert.equal(redactUrl('sqlite:///app.db'), 'sqlite:///app.db');
  });
  it('masks password parameters and keyword strings', () => {
    assert.equal(redactUrl('postgresql://h/db?user=u&password=secret&sslmode=disable'), 'postgresql://h/db?user=u&password=***&sslmode=disable');
    assert.equal(redactUrl("host=h password='a b' dbname=x"), 'host=h password=*** dbname=x');
  });
});
