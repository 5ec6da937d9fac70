/**
 * Every dataset the project uses: the vendored files in datasets/ (path, size, line count, sha256,
 * copied from datasets/MANIFEST.md's "Files" table; test/data/registry.test.ts fails if the two
 * drift apart) and the datasets that are too big to vendor, with their canonical download URLs.
 */

/** One file in datasets/. */
export interface VendoredFile {
  /** Path under datasets/, with forward slashes. */
  path: string;
  /** Size in bytes of the file as stored (compressed for .gz). */
  bytes: number;
  /** Newline characters in the decompressed file (`wc -l`; 0 for the one-line SQuAD JSON). */
  lines: number;
  sha256: string;
}

/** A vendored dataset: one folder of datasets/. */
export interface VendoredDataset {
  /** The folder name under datasets/. */
  name: string;
  description: string;
  /** Where the files come from (repository @ commit : path, or a pointer to a MANIFEST). */
  source: string;
  license: string;
  files: readonly VendoredFile[];
}

/** One file of a dataset that is downloaded on demand (see remote.ts). */
export interface RemoteFile {
  /** Path under the download cache, with forward slashes. */
  path: string;
  /** The canonical download location. */
  url: string;
  /**
   * Expected sha256 of the downloaded file, where it is known (from several independent
   * published copies). Where it is not, the hash seen at the first download is recorded beside
   * the file and checked on later uses.
   */
  sha256?: string;
  /** Expected md5, for the files whose only published checksum is an md5. */
  md5?: string;
}

/** A dataset that is not vendored: fetched into a cache when the network allows. */
export interface RemoteDataset {
  name: string;
  description: string;
  source: string;
  license: string;
  files: readonly RemoteFile[];
}

/** The vendored datasets, one per folder of datasets/ (sources and licenses as in MANIFEST.md). */
export const VENDORED_DATASETS: readonly VendoredDataset[] = [
  {
    name: "cord19",
    description: "CORD-19 abstracts: 3,464 unique non-empty abstracts of two public 2,000-paper metadata samples, one per line",
    source: "JamesMayen/Frameworks_Assignment @ e18aff5b46b5cf686f3bfca8673740115e3af13c : metadata_sample.csv; Nomize/Frameworks_Assignment @ a4714408355cbaf7c962722b52e4b962f9f30a92 : data/metadata_sample.csv",
    license: "CORD-19 Dataset License (AI2); per-paper licenses vary",
    files: [
      { path: "cord19/abstracts.txt.gz", bytes: 1809494, lines: 3464, sha256: "ffd385e6e15ce9135821960010fdb57582b88fe079cb820aa8e4fcd21e26742b" },
    ],
  },
  {
    name: "glue",
    description: "GLUE CoLA, MRPC, RTE, STS-B, WNLI train + dev and QNLI dev, in the GLUE TSV form (read with no quoting)",
    source: "F0restL1n/BERT @ 0d0288be08079531c7b3a85af3d532f9adb0f13a : glue_data/ (MRPC train rebuilt from msr_paraphrase_train.txt + dev_ids.tsv with GLUE's split logic)",
    license: "CoLA: research release; MRPC: Microsoft Research Paraphrase Corpus license (research use); RTE: PASCAL/NIST research release; STS-B: mostly CC BY-SA 3.0; WNLI: CC BY 4.0; QNLI: CC BY-SA 4.0",
    files: [
      { path: "glue/CoLA/dev.tsv", bytes: 53717, lines: 1042, sha256: "8c013e21dc39957cac37378d87bebe225b694a0d5fe13eded66c2856628833fd" },
      { path: "glue/CoLA/train.tsv", bytes: 428590, lines: 8551, sha256: "cb368ebeb9f27d7ad03720d27ddc95687a311bdb100781a2fe59a5f5b1bc0624" },
      { path: "glue/MRPC/dev.tsv", bytes: 105616, lines: 409, sha256: "9e8f284788040f7c9ecde2e1b3c07237c756f926bd9ef8548ef5d34b56f69f17" },
      { path: "glue/MRPC/train.tsv", bytes: 941471, lines: 3669, sha256: "69abcedee3cf738c6ce58d772e43e1b7cdf5b4edee4aceda459c0d9f4e5599f3" },
      { path: "glue/QNLI/dev.tsv", bytes: 1367342, lines: 5464, sha256: "ac19409dcb04631eaaa094bdebdcf621086bc352503dfb6a1a648b614986f4fd" },
      { path: "glue/RTE/dev.tsv", bytes: 90343, lines: 278, sha256: "80230dfa1347282e7b532b06a1004a76a710087541189bf874223ddf0e3819fb" },
      { path: "glue/RTE/train.tsv", bytes: 846226, lines: 2491, sha256: "41e3a9b063433392343fad9e962cf2f58b681c78d8f71592f4186f0837246c5c" },
      { path: "glue/STS-B/dev.tsv", bytes: 276928, lines: 1501, sha256: "fe7dc0632a5033562f3cadff991f6e8d9b9b6311861660e78c3c82eb7db67f59" },
      { path: "glue/STS-B/train.tsv", bytes: 984099, lines: 5750, sha256: "41c4d978b6162abdcada7e49a982211954cca5459c228db478af333124b257a2" },
      { path: "glue/WNLI/dev.tsv", bytes: 11261, lines: 72, sha256: "cba00490596dd14be8cf53b4f53bb744abe3a7b89f81ab210528d80225338ed5" },
      { path: "glue/WNLI/train.tsv", bytes: 99411, lines: 636, sha256: "9a88e9d54b6861cc796a088e9acf4f5f65064a9ef65ae6fa7a688b28391e5c9a" },
    ],
  },
  {
    name: "multilingual",
    description: "Unlabelled pretraining text in the 15 XNLI languages, one sentence or short paragraph per line; no XNLI/MNLI text, but the XQuAD translations of 240 SQuAD v1.1 dev paragraphs",
    source: "see datasets/multilingual/MANIFEST.md (FLORES, NTREX, TICO-19, Tatoeba, WMT test sets, XQuAD, UD treebanks)",
    license: "per source, see datasets/multilingual/MANIFEST.md (bg and ur include CC BY-NC-SA treebank sentences)",
    files: [
      { path: "multilingual/ar.txt.gz", bytes: 855746, lines: 27250, sha256: "4b6c356cb21015d9c454a77286ec2f9751697f3408c3251be2fb20529f9d204a" },
      { path: "multilingual/bg.txt.gz", bytes: 556878, lines: 20457, sha256: "3991b1974e7d84963dbce45d7c116b510a8298ff2508c95e7c7acc38bcf0939b" },
      { path: "multilingual/de.txt.gz", bytes: 2103444, lines: 67406, sha256: "2cd8e4fdd6978d54a8dcb55f3d36254592aa038f4cf416c40c8db11468f7e0a9" },
      { path: "multilingual/el.txt.gz", bytes: 780280, lines: 25419, sha256: "879acd5257d64097b8d5cb3396f1bf720d232cf491a30715e0d7c8da767ba6a5" },
      { path: "multilingual/en.txt.gz", bytes: 1925266, lines: 72024, sha256: "9e2db49ea1769091bebd12c40cb338ad785191855c845adaf5f59ec12cbb3ee9" },
      { path: "multilingual/es.txt.gz", bytes: 2044523, lines: 90264, sha256: "da4a92717f8f14e9fee8cae5d9055d142a53372121ade5e6eb9ceb33a50ef2cf" },
      { path: "multilingual/fr.txt.gz", bytes: 2006443, lines: 80583, sha256: "f1fd6da087312e88d2ed7d3a04a158ae46c4dba0c83469bf49a3e61ad2be68c7" },
      { path: "multilingual/hi.txt.gz", bytes: 878932, lines: 15746, sha256: "cd6b191700ed8e2a9d4eefeb1d8515e34d506a0c8c1e0473da21e2a4520265cc" },
      { path: "multilingual/ru.txt.gz", bytes: 1519349, lines: 47594, sha256: "dc939db1afef143948fba93d833595f1a4f15e4096a57adddfe13bcb533c896e" },
      { path: "multilingual/sw.txt.gz", bytes: 653850, lines: 13366, sha256: "d08fb80ac7698c6426fa8d2f35b0d4cd054433f5665efd50d619b5c111bd5a8b" },
      { path: "multilingual/th.txt.gz", bytes: 1263794, lines: 18947, sha256: "75e1114f5826e6656ce0d8a0fe485cfead4cae9dd7a6c4eb02ec49907b2a45e6" },
      { path: "multilingual/tr.txt.gz", bytes: 1718606, lines: 84755, sha256: "fc9aff2224b3927250b74db0ddeae5c503d0507baba06ee954c3e5aa98a60cc0" },
      { path: "multilingual/ur.txt.gz", bytes: 453951, lines: 8026, sha256: "a038c82a7a46b90d07d780c259a6e5b96c25532da1c6d48c5e4c752c1f84981c" },
      { path: "multilingual/vi.txt.gz", bytes: 1830010, lines: 22703, sha256: "c482601829c0f0d4935979703b491981b05a500fb15d16bd0add93c9eaf9dc49" },
      { path: "multilingual/zh.txt.gz", bytes: 2616925, lines: 63228, sha256: "0466089c4ab690080e5c992b7bd0d70a6f1c1d596f05548e07190b1c46099a81" },
    ],
  },
  {
    name: "nli",
    description: "English NLI as premise<TAB>hypothesis<TAB>label: MNLI dev matched / mismatched, a 39,226-pair MNLI train sample, SNLI dev (tokenised), SICK train / trial",
    source: "MNLI dev: spirit-moon-fly/CAL @ 88f4eb0a013464d491acb49e6ad8a0a4a22583ce; MNLI train sample: mlengineershub/MNLI-MultiModel-Benchmark @ 3bcb4524cce8ded336ed44e11779fc9c02f8f9a9; SNLI: OanaMariaCamburu/e-SNLI @ 7b585a3f077fdea899780eb0473940522ae44a2e; SICK: kkalouli/SICK-processing @ 0848f4ae",
    license: "MNLI: OANC / CC BY-SA 3.0 mix; SNLI: CC BY-SA 4.0; SICK: CC BY-NC-SA 3.0",
    files: [
      { path: "nli/mnli_dev_matched.tsv", bytes: 1765373, lines: 9816, sha256: "7704647d329c75a73eeb368a1a8956d726d12c0975812127d3e611cd1bda2018" },
      { path: "nli/mnli_dev_mismatched.tsv", bytes: 1880765, lines: 9833, sha256: "5d313c69f8e999ae2b842a9413b61ad079fbc064fd631797f75e97d13f42d193" },
      { path: "nli/mnli_train_sample39k.tsv.gz", bytes: 2705902, lines: 39227, sha256: "d40d195f920ac37d2755688d647e782f41c02ae354ea5edcf37952418e14af09" },
      { path: "nli/sick_train.tsv", bytes: 462355, lines: 4440, sha256: "e1c3003b54146cdad16e584b0185db9cefcee6c33a2833d26b96f5363207077c" },
      { path: "nli/sick_trial.tsv", bytes: 52423, lines: 496, sha256: "ad13ec173b4d48eeeb3c5d1848d13aa5c4a876c83133b93589cc764089fbbea2" },
      { path: "nli/snli_dev_tok.tsv", bytes: 1232862, lines: 9843, sha256: "6d30a61d2197b249fe98cca40c5fbfd3f389106bbb21c52d55dd5a8067a741ad" },
    ],
  },
  {
    name: "squad",
    description: "SQuAD v1.1 dev (48 articles, 2,067 paragraphs, 10,570 questions), byte-identical to the official file",
    source: "pulakdas1999/QnA_using_BERT @ 48925669ea5ebb270348b817d7463b809a381bb9 : dev-v1.1.json.zip",
    license: "CC BY-SA 4.0",
    files: [
      { path: "squad/dev-v1.1.json", bytes: 4854279, lines: 0, sha256: "95aa6a52d5d6a735563366753ca50492a658031da74f301ac5238b03966972c9" },
    ],
  },
  {
    name: "sst2",
    description: "SST-2 train (67,349) and dev (872), label<TAB>sentence",
    source: "awake020/pytorch_Bert_sst2 @ ce2ab1719d32182e6233b24b2de246bd32814fde : SST-2/",
    license: "SST research release (no explicit license)",
    files: [
      { path: "sst2/dev.tsv", bytes: 94414, lines: 873, sha256: "84207e6be5873fb18db798cc6faec86871f5a426554650ff64a1c34e87665f6f" },
      { path: "sst2/train.tsv", bytes: 3806081, lines: 67350, sha256: "e981ceb4fe6c9acd1c79851d0d091b9e78103f1f2a399ca83dda27915d41c56c" },
    ],
  },
  {
    name: "wikitext-2",
    description: "WikiText-2 v1, tokenized (wiki.{train,valid,test}.tokens)",
    source: "nodiff-229/deeplearning_hw2 @ 76b135200f866feaee5d2920fac7c6f607b929c5 (train, valid); sourcepirate/my-gpt @ a0933fb223f57d3c0dfbdcb73e73dbacc2658e97 (test)",
    license: "CC BY-SA 3.0",
    files: [
      { path: "wikitext-2/test.txt", bytes: 1256449, lines: 4358, sha256: "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0" },
      { path: "wikitext-2/train.txt.gz", bytes: 3674047, lines: 36718, sha256: "0c202e0b5d919429261b7291d9b5998f0db680c0a6700c0ff2a886d0abe055d4" },
      { path: "wikitext-2/valid.txt", bytes: 1121681, lines: 3760, sha256: "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8" },
    ],
  },
  {
    name: "xnli",
    description: "XNLI 1.0 dev and test in 15 languages, Hugging Face layout (id, premise, hypothesis, label)",
    source: "gentaiscool/xnli-dataset @ 4c3e4d064da8e17fc20d16920f6b5de237c2cf24",
    license: "CC BY-NC 4.0",
    files: [
      { path: "xnli/xnli_test_ar.tsv", bytes: 1258401, lines: 5011, sha256: "a4a979ca479b1421eea712dda725531bf472ada01260829036ffd887ae94088f" },
      { path: "xnli/xnli_test_bg.tsv", bytes: 1536882, lines: 5011, sha256: "2f552c2f01482a088013a444e09fcacc2db10c513e05f847eafa29711c3a5818" },
      { path: "xnli/xnli_test_de.tsv", bytes: 960336, lines: 5011, sha256: "24450fa230fb5ccca9f9d7c92acd9046ab3a4abe856a264659f2ea25e3130b73" },
      { path: "xnli/xnli_test_el.tsv", bytes: 1668633, lines: 5011, sha256: "b2a9767d9b474e811db8756759f03c4d38a6eda336a76114d0a4b2c85919f79e" },
      { path: "xnli/xnli_test_en.tsv", bytes: 838982, lines: 5011, sha256: "5dd5b7f0a87f8c41a4f7d4c385f9acfc099f5cc7b143ce3e9d45f1893ddccd90" },
      { path: "xnli/xnli_test_es.tsv", bytes: 933661, lines: 5011, sha256: "5e4dbd5943572ee4a6f29d5ca10749e09bb929ce9c0b751b9c9c7cc1e20d2f63" },
      { path: "xnli/xnli_test_fr.tsv", bytes: 993087, lines: 5011, sha256: "51885546425f7f73956fafa88159f9a2258c1763989737224f8ebcab7026053c" },
      { path: "xnli/xnli_test_hi.tsv", bytes: 2036921, lines: 5011, sha256: "4a3b7b08b5f30d0782108e2e0e9b8028995a597dbcaff9a0555ac2b4410947fe" },
      { path: "xnli/xnli_test_ru.tsv", bytes: 1567314, lines: 5011, sha256: "f8267a13593f2d02781f099545225d90ed3d59162beba461dc0f951d366bec2d" },
      { path: "xnli/xnli_test_sw.tsv", bytes: 835499, lines: 5011, sha256: "5b31143f0a6516183327ccc4dc819529201d67eb80c84f6e30ff58fbd8c23071" },
      { path: "xnli/xnli_test_th.tsv", bytes: 2110863, lines: 5011, sha256: "04230412e678e79c376729092c2c8276cc48715090fdd9c6960fde744f5653d8" },
      { path: "xnli/xnli_test_tr.tsv", bytes: 898782, lines: 5011, sha256: "2855f243b9fe71d70a89221139b8b6b0ebbebd9ea7963955a2bbb1ab4cd3705c" },
      { path: "xnli/xnli_test_ur.tsv", bytes: 1380089, lines: 5011, sha256: "a624bdbdc129ce9c3e518daac42d27d35270c084132eb351edc717736edfe5c8" },
      { path: "xnli/xnli_test_vi.tsv", bytes: 1154065, lines: 5011, sha256: "39d6833b92aab48e6143f0e5b9e92dfba87083dd73712a3dce3c2b49fdbc17ec" },
      { path: "xnli/xnli_test_zh.tsv", bytes: 741777, lines: 5011, sha256: "a326ad4d0a7b3549f941887fa51df3e948573070b433286d758d2ecaba94e6d4" },
      { path: "xnli/xnli_validation_ar.tsv", bytes: 614489, lines: 2491, sha256: "f3c26522441077ce7e6178c5d9de78ec19758909dbd0309e9c262969d12d5351" },
      { path: "xnli/xnli_validation_bg.tsv", bytes: 755549, lines: 2491, sha256: "6e23d2380b277da6a30d38b6278c2c2961772bacb5367920ec97cec2bba491e8" },
      { path: "xnli/xnli_validation_de.tsv", bytes: 476092, lines: 2491, sha256: "abe37659396b540af4ed509fbb6eda280028e7ce3088290c95cab3564c92e1a6" },
      { path: "xnli/xnli_validation_el.tsv", bytes: 822714, lines: 2491, sha256: "55b6e1f445ec36fe7821db75ac7268b05438f32e7c9e3d25abb21adeb85640fe" },
      { path: "xnli/xnli_validation_en.tsv", bytes: 414951, lines: 2491, sha256: "1c981f6d4a55adabac123738d9b8f8e4b26486fe740df0312eb067e8710dfa54" },
      { path: "xnli/xnli_validation_es.tsv", bytes: 459910, lines: 2491, sha256: "7d3593f8530b75c2619c54efdfdd56b09ae2f20a033b3b0e3b1dac6dc4ed7f00" },
      { path: "xnli/xnli_validation_fr.tsv", bytes: 491592, lines: 2491, sha256: "484f50571f426dd179c0bd138d4a6c5d6b4c78508bc1e31dd941e84324cd4b86" },
      { path: "xnli/xnli_validation_hi.tsv", bytes: 1005403, lines: 2491, sha256: "e146a32dd05e40adb700d2642d5b3b9dcbfa283f44d78b6cc8c4cd040f6b5194" },
      { path: "xnli/xnli_validation_ru.tsv", bytes: 767930, lines: 2491, sha256: "b677e59ed48bf027f3c9aa0dd8108f50c87c30a630bd4801bf7c1a015011a217" },
      { path: "xnli/xnli_validation_sw.tsv", bytes: 411338, lines: 2491, sha256: "50b75e768ad5535e6ede2f3c7f5bb4b5f73831523adaeaf3207c7e72486c8d89" },
      { path: "xnli/xnli_validation_th.tsv", bytes: 1042648, lines: 2491, sha256: "bee2eceb0d11fc0d794df5b344e0ac0c2b1c72cecf7a05ec052e80f0436d231a" },
      { path: "xnli/xnli_validation_tr.tsv", bytes: 440796, lines: 2491, sha256: "8711e54f495b472bb45d06791237878f4f67064b4b82b299bb1f81bc5ce18fae" },
      { path: "xnli/xnli_validation_ur.tsv", bytes: 681440, lines: 2491, sha256: "4daa41bc4deb74b542f18f954d9d30db7bfcc1529a4a3c7293b7890cc437150a" },
      { path: "xnli/xnli_validation_vi.tsv", bytes: 572168, lines: 2491, sha256: "0d67f997fc1bb984d5d54b6d2d1d95a7596b95f06d32db3867a1e3bef02211ed" },
      { path: "xnli/xnli_validation_zh.tsv", bytes: 366339, lines: 2491, sha256: "8c5b701d79aa92f0db85b79fcf6cc63e452c9b261dc9425b9adf23b25800d369" },
    ],
  },
];

/**
 * The datasets the papers use that are not vendored (too big, or not found in a public
 * repository). sha256 is given only where published copies agree on it; the GLUE archives and
 * BoolQ have none, so their first download is trusted and recorded.
 */
export const REMOTE_DATASETS: readonly RemoteDataset[] = [
  {
    name: "mnli",
    description: "GLUE MNLI (full train 392,702 pairs, dev, test), zip archive",
    source: "GLUE benchmark (download_glue_data.py)",
    license: "OANC / CC BY-SA 3.0 mix",
    files: [{ path: "glue/MNLI.zip", url: "https://dl.fbaipublicfiles.com/glue/data/MNLI.zip" }],
  },
  {
    name: "qqp",
    description: "GLUE QQP (Quora Question Pairs), zip archive",
    source: "GLUE benchmark (download_glue_data.py)",
    license: "Quora terms of use (see gluebenchmark.com)",
    files: [{ path: "glue/QQP-clean.zip", url: "https://dl.fbaipublicfiles.com/glue/data/QQP-clean.zip" }],
  },
  {
    name: "qnli",
    description: "GLUE QNLI v2 (train, dev, test), zip archive; only dev is vendored",
    source: "GLUE benchmark (download_glue_data.py)",
    license: "CC BY-SA 4.0",
    files: [{ path: "glue/QNLIv2.zip", url: "https://dl.fbaipublicfiles.com/glue/data/QNLIv2.zip" }],
  },
  {
    name: "squad-train",
    description: "SQuAD v1.1 train (442 articles, 87,599 questions)",
    source: "rajpurkar/SQuAD-explorer",
    license: "CC BY-SA 4.0",
    // sha256 as published by ParlAI, Hugging Face datasets and others (30,288,272 bytes).
    files: [{ path: "squad/train-v1.1.json", url: "https://rajpurkar.github.io/SQuAD-explorer/dataset/train-v1.1.json", sha256: "3527663986b8295af4f7fcdff1ba1ff3f72d07d61a20f487cb238a6ef92fd955" }],
  },
  {
    name: "boolq",
    description: "BoolQ yes/no questions: train 9,427, dev 3,270 (JSON lines: question, title, answer, passage)",
    source: "google-research-datasets/boolean-questions",
    license: "CC BY-SA 3.0",
    files: [
      { path: "boolq/train.jsonl", url: "https://storage.googleapis.com/boolq/train.jsonl" },
      { path: "boolq/dev.jsonl", url: "https://storage.googleapis.com/boolq/dev.jsonl" },
    ],
  },
  {
    name: "wikitext-103",
    description: "WikiText-103 v1, tokenized, zip archive",
    source: "Salesforce Research (Merity et al. 2016)",
    license: "CC BY-SA 3.0",
    // md5 as published by torchtext; no sha256 is published.
    files: [{ path: "wikitext-103/wikitext-103-v1.zip", url: "https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-103-v1.zip", md5: "9ddaacaf6af0710eda8c456decff7832" }],
  },
];

const BY_PATH = new Map(VENDORED_DATASETS.flatMap((d) => d.files.map((f) => [f.path, f] as const)));

/** The registry entry of a file under datasets/, or undefined if it is not registered. */
export function vendoredFile(relative: string): VendoredFile | undefined {
  return BY_PATH.get(relative.split("\\").join("/"));
}

/** A remote dataset by name; throws, listing the known names, if there is none. */
export function remoteDataset(name: string): RemoteDataset {
  const found = REMOTE_DATASETS.find((d) => d.name === name);
  if (found) return found;
  const vendored = VENDORED_DATASETS.some((d) => d.name === name) ? ` ("${name}" is vendored: read it from datasets/${name}/)` : "";
  throw new Error(`no remote dataset "${name}"${vendored}; remote datasets are ${REMOTE_DATASETS.map((d) => d.name).join(", ")}`);
}
