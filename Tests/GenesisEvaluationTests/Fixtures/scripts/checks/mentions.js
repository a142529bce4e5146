// The default export: module.exports = (output, context) => GradingResult.
module.exports = (output, context) => {
  const found = output.includes(context.vars.capital);
  return {
    pass: found,
    score: found ? 1 : 0,
    reason: found ? `mentions ${context.vars.capital}` : `never mentions ${context.vars.capital}`,
  };
};
