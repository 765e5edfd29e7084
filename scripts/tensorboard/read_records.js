// Prints each record of a TFRecord file (TensorBoard event files are TFRecord files) as one base64
// line, using the npm package tfrecord, which checks both masked CRC32Cs of every record.
const { RecordReader } = require('tfrecord');

(async () => {
  const reader = await RecordReader.create(process.argv[2]);
  let record;
  while ((record = await reader.readRecord()) !== null) {
    console.log(Buffer.from(record).toString('base64'));
  }
})().catch((e) => {
  console.error(`${process.argv[2]}: ${e.message}`);
  process.exit(1);
});
