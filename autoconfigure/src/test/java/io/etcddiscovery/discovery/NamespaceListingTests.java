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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NamespaceListing}'s page sizes.
 *
 * @author etcd-discovery authors
 */
class NamespaceListingTests {

	@Test
	void nextPageHoldsAboutOneMebibyteOfKeysAndValuesLikeThePageBefore() {
		// 500 keys of 420 bytes: 2,496 keys of 420 bytes make 1 MiB.
		assertThat(NamespaceListing.nextPageSize(500, 500 * 420)).isEqualTo(2_496);
		assertThat(NamespaceListing.nextPageSize(500, 500 * 64 * 1024)).isEqualTo(16);
	}

	@Test
	void nextPageHasAtMostTenThousandKeysAndAtLeastOne() {
		assertThat(NamespaceListing.nextPageSize(500, 500 * 10)).isEqualTo(10_000);
		assertThat(NamespaceListing.nextPageSize(1, 8 * 1024 * 1024)).isEqualTo(1);
		assertThat(NamespaceListing.nextPageSize(0, 0)).isEqualTo(10_000);
	}

}
