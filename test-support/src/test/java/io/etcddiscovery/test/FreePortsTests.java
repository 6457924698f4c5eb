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

package io.etcddiscovery.test;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FreePorts}.
 *
 * @author etcd-discovery authors
 */
class FreePortsTests {

	@Test
	void allocatesDistinctUnprivilegedPorts() {
		List<Integer> ports = FreePorts.allocate(6);
		assertThat(ports).hasSize(6).doesNotHaveDuplicates().allSatisfy((port) -> assertThat(port).isGreaterThan(1023));
	}

	@Test
	void allocatesBelowTheRangeOfOutgoingConnections() {
		// A port the system may give an outgoing connection could be taken while a member
		// is stopped, and its restart would fail.
		int ephemeralLow = FreePorts.ephemeralLow();
		assertThat(FreePorts.allocate(20)).allSatisfy((port) -> assertThat(port).isLessThan(ephemeralLow));
	}

}
