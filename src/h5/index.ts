// The HDF5 reader's public exports: open a file (local path, http(s) URL or any RangeReader), walk groups,
// read attributes, dataset metadata, chunk tables and values.
//
//   import { H5File } from "./h5/index.ts";
//   const f = await H5File.openSource("x.nwb");   // or an http(s) URL
//   const ds = await f.get("/acquisition/ts/data");

export { H5File, H5Group, H5NamedType, H5Dataset, H5Reference, type H5Node } from "./file.ts";
export { type ChunkRecord } from "./btree-v1.ts";
export { type Datatype, type NumpyDtype, numpyDtype } from "./datatype.ts";
export { type Dataspace, UNLIMITED } from "./dataspace.ts";
export { type Filter } from "./filters.ts";
export { type Layout } from "./layout.ts";
export { type Link } from "./group.ts";
export { type H5Values, type NumericArray } from "./values.ts";
export { type ReadOptions, MAX_READ_BYTES } from "./dataset.ts";
export { H5FormatError, H5NotFoundError, H5RemoteError, H5UnsupportedError } from "./errors.ts";
export { BufferReader, LocalFileReader, type LocalFileReaderOptions, type RangeReader } from "./reader.ts";
export { HttpRangeReader, type HttpRangeReaderOptions, type HttpStats } from "./http-reader.ts";
export { isHttpUrl, openRangeReader, type OpenReaderOptions } from "./open-reader.ts";
