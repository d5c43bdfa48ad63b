// The interpreter the Python extension (ms-python.python) has selected, when it is installed.
// Everything is guarded: the extension is optional and its API is read as `unknown`.
import * as vscode from 'vscode';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export async function pythonInterpreter(resource: vscode.Uri | undefined): Promise<string | null> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return null;
  try {
    const api: unknown = ext.isActive ? ext.exports : await ext.activate();
    if (!isRecord(api) || !isRecord(api.environments)) return null;
    const getPath = api.environments.getActiveEnvironmentPath;
    if (typeof getPath !== 'function') return null;
    const env: unknown = await Promise.resolve(getPath.call(api.environments, resource));
    if (!isRecord(env) || typeof env.path !== 'string' || env.path === '') return null;
    const resolve = api.environments.resolveEnvironment;
    if (typeof resolve === 'function') {
      const resolved: unknown = await Promise.resolve(resolve.call(api.environments, env));
      if (isRecord(resolved) && isRecord(resolved.executable) && typeof resolved.executable.uri === 'object') {
        const uri = resolved.executable.uri;
        if (uri instanceof vscode.Uri) return uri.fsPath;
      }
    }
    return env.path;
  } catch {
    return null;
  }
}
