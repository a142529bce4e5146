module.exports = function (value) {
  throw new Error('no ' + value + ' today');
};
