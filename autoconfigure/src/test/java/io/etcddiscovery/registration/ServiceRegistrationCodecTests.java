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

package io.etcddiscovery.registration;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServiceRegistrationCodec}.
 *
 * @author etcd-discovery authors
 */
class ServiceRegistrationCodecTests {

	private final ServiceRegistrationCodec codec = new ServiceRegistrationCodec();

	private final ServiceRegistration registration = new ServiceRegistration("default", "orders", "orders-1",
			"10.0.1.5", 8080, false, Map.of("zone", "eu-1"), InstanceStatus.UP);

	@Test
	void encodesEtcdsNamingFormatWithExactCasing() {
		String json = new String(this.codec.encode(this.registration, Instant.parse("2026-01-02T03:04:05Z")),
				StandardCharsets.UTF_8);
		assertThat(json).isEqualTo("{\"Op\":0,\"Addr\":\"10.0.1.5:8080\",\"Metadata\":{\"service\":\"orders\","
				+ "\"instanceId\":\"orders-1\",\"namespace\":\"default\",\"host\":\"10.0.1.5\",\"port\":8080,"
				+ "\"secure\":false,\"status\":\"UP\",\"metadata\":{\"zone\":\"eu-1\"},"
				+ "\"registeredAt\":\"2026-01-02T03:04:05Z\"}}");
	}

	@Test
	void ipv6AddressIsBracketed() {
		ServiceRegistration v6 = new ServiceRegistration("default", "orders", "orders-1", "fd00::5", 8080, false,
				Map.of(), InstanceStatus.UP);
		assertThat(v6.address()).isEqualTo("[fd00::5]:8080");
	}

	@Test
	void decodesWhatItEncodes() {
		var decoded = this.codec.decode(this.codec.encode(this.registration.withStatus(InstanceStatus.DOWN),
				Instant.parse("2026-01-02T03:04:05Z")));
		assertThat(decoded.address()).isEqualTo("10.0.1.5:8080");
		assertThat(decoded.status()).isEqualTo(InstanceStatus.DOWN);
		assertThat(decoded.metadata()).containsEntry("instanceId", "orders-1")
			.containsEntry("port", 8080)
			.containsEntry("metadata", Map.of("zone", "eu-1"));
	}

	@Test
	void decodesAGoClientsValueWithoutMetadata() {
		var decoded = this.codec.decode("{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":null}");
		assertThat(decoded.address()).isEqualTo("10.0.0.7:50051");
		assertThat(decoded.status()).isEqualTo(InstanceStatus.UNKNOWN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[1,2]", "{}", "{\"Addr\":5}", "{\"Addr\":\"\"}", "\"text\"" })
	void rejectsValuesThatAreNotInstances(String value) {
		assertThatExceptionOfType(InvalidInstanceValueException.class).isThrownBy(() -> this.codec.decode(value));
	}

}
