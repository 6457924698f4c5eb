/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.nio.file.Path;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The file of last-known instances of a {@link ServiceCache}, for endpoints and metrics.
 *
 * @param file the file
 * @param serving whether lookups answer from the instances read from the file, because
 * etcd could not be listed in time when the cache started and has not been listed since
 * @param servingWrittenAt when the file that lookups answer from was written, or
 * {@code null} while they do not
 * @param lastWrittenAt when this application last wrote the file, or {@code null}
 * @param writes how many times this application wrote the file
 * @author etcd-discovery authors
 */
public record LastKnownInstancesStats(Path file, boolean serving, @Nullable Instant servingWrittenAt,
		@Nullable Instant lastWrittenAt, long writes) {

}
