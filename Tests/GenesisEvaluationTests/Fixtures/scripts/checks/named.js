// Several checks in one file, picked with file://checks/named.js:name.
async function longEnough(output, context) {
  return output.length >= context.config.minLength;
}

function echoesPrompt(output, context) {
  return context.prompt.includes(context.vars.country);
}

module.exports = { longEnough, echoesPrompt };
