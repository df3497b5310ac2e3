/** `npm run bench:xml`: part 5 alone (reading an ENTSSO mappings file near the size limit). */
import { envInt } from './stats.js';
import { formatXmlBench, runXmlBench, xmlJson } from './xml-bench.js';

const result = runXmlBench({ mebibytes: envInt('BENCH_XML_MIB', 15), rounds: envInt('BENCH_XML_ROUNDS', 5) });
console.log(formatXmlBench(result));
console.log(`BENCH_JSON ${JSON.stringify({ xml: xmlJson(result) })}`);
