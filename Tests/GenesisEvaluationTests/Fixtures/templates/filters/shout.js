// promptfoo's nunjucksFilters form: a file exporting one function (value, ...args).
module.exports = function (value, times) {
  return String(value).toUpperCase() + '!'.repeat(times === undefined ? 1 : times);
};
