// Maps tsconfig.base.json "paths" (the @twinlog/* aliases) to jest's moduleNameMapper,
// so the aliases are declared in one place.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function pathsToModuleNameMapper() {
  const tsconfig = JSON.parse(readFileSync(join(__dirname, '..', '..', 'tsconfig.base.json'), 'utf8'));
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths ?? {})) {
    const escaped = alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace('\\*', '(.*)');
    mapper[`^${escaped}$`] = `<rootDir>/${target.replace('*', '$1')}`;
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
