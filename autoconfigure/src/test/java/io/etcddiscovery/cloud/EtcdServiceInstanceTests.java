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

package io.etcddiscovery.cloud;

import java.util.LinkedHashMap;
import java.util.Map;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.etcd.InstanceStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EtcdServiceInstance}: what Spring Cloud sees of an instance.
 *
 * @author etcd-discovery authors
 */
class EtcdServiceInstanceTests {

	@Test
	void metadataIsTheInstancesMetadataWithItsStatus() {
		EtcdServiceInstance instance = new EtcdServiceInstance(
				instance(Map.of("zone", "eu-1", "weight", "3"), InstanceStatus.OUT_OF_SERVICE));
		Map<String, String> metadata = instance.getMetadata();
		assertThat(metadata).hasSize(3)
			.containsEntry("zone", "eu-1")
			.containsEntry("weight", "3")
			.containsEntry("status", "OUT_OF_SERVICE")
			.doesNotContainKey("hint")
			.isEqualTo(Map.of("zone", "eu-1", "weight", "3", "status", "OUT_OF_SERVICE"));
		assertThat(metadata.get("hint")).isNull();
		assertThat(metadata).hasSameHashCodeAs(Map.of("zone", "eu-1", "weight", "3", "status", "OUT_OF_SERVICE"));
		assertThat(new LinkedHashMap<>(metadata)).isEqualTo(metadata);
	}

	@Test
	void statusOfTheInstanceWinsOverAStatusInItsMetadata() {
		Map<String, String> metadata = new EtcdServiceInstance(
				instance(Map.of("status", "whatever", "zone", "eu-1"), InstanceStatus.UP))
			.getMetadata();
		assertThat(metadata).hasSize(2).isEqualTo(Map.of("status", "UP", "zone", "eu-1"));
		assertThat(metadata.entrySet()).hasSize(2);
	}

	@Test
	void metadataWithoutEntriesHoldsTheStatus() {
		assertThat(new EtcdServiceInstance(instance(Map.of(), InstanceStatus.UP)).getMetadata())
			.containsExactly(Map.entry("status", "UP"));
	}

	@Test
	void metadataCannotBeChanged() {
		Map<String, String> metadata = new EtcdServiceInstance(instance(Map.of("zone", "eu-1"), InstanceStatus.UP))
			.getMetadata();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> metadata.put("zone", "x"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> metadata.remove("zone"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(metadata::clear);
		assertThat(metadata).containsEntry("zone", "eu-1");
	}

	@Test
	void uriIsBuiltFromHostPortAndScheme() {
		EtcdServiceInstance instance = new EtcdServiceInstance(instance(Map.of(), InstanceStatus.UP));
		assertThat(instance.getUri()).hasToString("https://10.0.0.1:8443");
		assertThat(instance.getScheme()).isEqualTo("https");
	}

	private static DiscoveredInstance instance(Map<String, String> metadata, InstanceStatus status) {
		return new DiscoveredInstance("orders", "o1", "10.0.0.1", 8443, true, status, metadata, "10.0.0.1:8443",
				"/services/default/orders/o1", 1, null);
	}

}
