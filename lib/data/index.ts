/**
 * The data layer: a registry of every dataset (vendored files with sha256, remote ones with their
 * URLs), checksum-verified loaders returning typed rows, on-demand downloads, arquero tables.
 */
export { PROJECT_ROOT, datasetPath, datasetRoots } from "./paths";
export { REMOTE_DATASETS, VENDORED_DATASETS, remoteDataset, vendoredFile, type RemoteDataset, type RemoteFile, type VendoredDataset, type VendoredFile } from "./registry";
export { hashFile, readVerified, sha256, verifiedFile, type VerifyOptions } from "./checksum";
export { cacheDir, fetchDataset, type FetchOptions } from "./remote";
export { collapseWhitespace, readDatasetText, splitLines } from "./text";
export { parseTsv, readTsv, type TsvRow, type TsvSpec } from "./tsv";
export { parseSst2, readSst2, type Sst2Row, type Sst2Split } from "./sst2";
export { NLI_LABELS, NLI_SETS, parseNli, readNli, type NliLabel, type NliRow, type NliSetName } from "./nli";
export { XNLI_LANGUAGES, parseXnli, readXnli, xnliFile, type XnliLanguage, type XnliRow, type XnliSplit } from "./xnli";
export { dropSquadDev, parseSquad, readSquadDev, readSquadTrain, squadDevContexts, squadSplit, type SquadAnswer, type SquadExample, type SquadSplit } from "./squad";
export { isWikitextHeading, readWikitext2, type WikitextOptions, type WikitextSplit } from "./wikitext";
export { readCord19 } from "./cord19";
export { MULTILINGUAL_LANGUAGES, readMultilingual, type MultilingualLanguage } from "./multilingual";
export { GLUE_LABELS, parseGlue, readGlue, type ColaRow, type GlueRows, type GlueSplit, type GlueTask, type MrpcRow, type QnliRow, type SentencePairRow, type StsbRow } from "./glue";
export { toTable } from "./table";
