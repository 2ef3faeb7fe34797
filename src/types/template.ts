/** Which tool's meaning the five disputed names (`ls split join contains trimSuffix`) take. */
export type Flavor = 'confd' | 'consul-template';

/** The template language: Go's text/template, or Handlebars for .hbs/.handlebars sources. */
export type Dialect = 'go' | 'handlebars';
