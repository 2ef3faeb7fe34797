import { compileTemplate } from '../../../../src/template/render.js';

/** The outcome of rendering a template: its output, or the error message. */
export type Outcome = { readonly output: string } | { readonly error: string };

/** Renders `template` (named `name`.tmpl) as a consul-template-flavor Go template, no data. */
export async function renderSprig(name: string, template: string): Promise<Outcome> {
  try {
    const compiled = await compileTemplate({ name: `${name}.tmpl`, text: template, dialect: 'go', flavor: 'consul-template' });
    const result = compiled.render(new Map(), { env: {}, prefix: '/', denylist: [] });
    return { output: result.output ?? '' };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
