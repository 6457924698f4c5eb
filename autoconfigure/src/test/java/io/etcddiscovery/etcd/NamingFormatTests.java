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

package io.etcddiscovery.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link NamingFormat}.
 *
 * @author etcd-discovery authors
 */
class NamingFormatTests {

	private final NamingFormat codec = new NamingFormat();

	private final ServiceRegistration registration = new ServiceRegistration("default", "orders", "orders-1",
			"10.0.1.5", 8080, false, Map.of("zone", "eu-1"), InstanceStatus.UP);

	@Test
	void encodesEtcdsNamingFormatWithTheRecordOutsideMetadata() {
		String json = new String(this.codec.encode(this.registration, Instant.parse("2026-01-02T03:04:05Z")),
				StandardCharsets.UTF_8);
		assertThat(json).isEqualTo("{\"Op\":0,\"Addr\":\"10.0.1.5:8080\",\"Metadata\":null,\"Instance\":{"
				+ "\"service\":\"orders\",\"instanceId\":\"orders-1\",\"namespace\":\"default\",\"host\":\"10.0.1.5\","
				+ "\"port\":8080,\"secure\":false,\"status\":\"UP\",\"metadata\":{\"zone\":\"eu-1\"},"
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
		assertThat(decoded.fields()).containsEntry("instanceId", "orders-1")
			.containsEntry("status", "DOWN")
			.containsEntry("port", 8080)
			.containsEntry("metadata", Map.of("zone", "eu-1"));
	}

	@Test
	void decodesTheLayoutOfEarlierVersionsWithTheRecordInMetadata() {
		var decoded = this.codec.decode("{\"Op\":0,\"Addr\":\"10.0.1.5:8080\",\"Metadata\":{\"service\":\"orders\","
				+ "\"instanceId\":\"orders-1\",\"namespace\":\"default\",\"host\":\"10.0.1.5\",\"port\":8080,"
				+ "\"secure\":true,\"status\":\"DOWN\",\"metadata\":{\"zone\":\"eu-1\"},"
				+ "\"registeredAt\":\"2026-01-02T03:04:05Z\"}}");
		assertThat(decoded.fields()).containsEntry("status", "DOWN")
			.containsEntry("secure", true)
			.containsEntry("metadata", Map.of("zone", "eu-1"));
	}

	@Test
	void theRecordFieldWinsOverAnObjectInMetadata() {
		var decoded = this.codec
			.decode("{\"Addr\":\"h:1\",\"Instance\":{\"status\":\"DOWN\"},\"Metadata\":{\"status\":\"UP\"}}");
		assertThat(decoded.fields()).containsExactly(Map.entry("status", "DOWN"));
	}

	@Test
	void decodesAGoClientsValueWithoutMetadata() {
		var decoded = this.codec.decode("{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":null}");
		assertThat(decoded.address()).isEqualTo("10.0.0.7:50051");
		assertThat(decoded.fields()).isEmpty();
	}

	@Test
	void decodesAStringMetadataHoldingAJsonObjectAsTheRecord() {
		var decoded = this.codec.decode("{\"Op\":0,\"Addr\":\"h:1\",\"Metadata\":\"{\\\"zone\\\":\\\"eu-1\\\"}\"}");
		assertThat(decoded.fields()).containsExactly(Map.entry("zone", "eu-1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"v1\"", "\"{not json\"", "\"[1]\"", "42", "[\"a\"]", "true" })
	void ignoresMetadataThatIsNeitherAnObjectNorAJsonObjectString(String metadata) {
		var decoded = this.codec.decode("{\"Addr\":\"h:1\",\"Metadata\":" + metadata + "}");
		assertThat(decoded.address()).isEqualTo("h:1");
		assertThat(decoded.fields()).isEmpty();
	}

	@Test
	void matchesFieldNamesCaseInsensitivelyLastOneWinningAsGoDoes() {
		assertThat(this.codec.decode("{\"op\":0,\"addr\":\"h:1\",\"metadata\":{\"zone\":\"a\"}}").fields())
			.containsExactly(Map.entry("zone", "a"));
		var decoded = this.codec
			.decode("{\"Addr\":\"h:1\",\"ADDR\":\"h:2\",\"Metadata\":{\"zone\":\"a\"},\"metadata\":null}");
		assertThat(decoded.address()).isEqualTo("h:2");
		assertThat(decoded.fields()).isEmpty();
	}

	@Test
	void ignoresOpLikeGosResolver() {
		assertThat(this.codec.decode("{\"Op\":1,\"Addr\":\"h:1\"}").address()).isEqualTo("h:1");
		assertThat(this.codec.decode("{\"Op\":null,\"Addr\":\"h:1\"}").address()).isEqualTo("h:1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.7:8080", " 10.0.0.7:8080\n", "[fd00::7]:8080", "orders.internal:8080" })
	void decodesABareAddressAsGoKitAndGoZeroWriteIt(String value) {
		var decoded = this.codec.decode(value);
		assertThat(decoded.address()).isEqualTo(value.strip());
		assertThat(decoded.fields()).isEmpty();
	}

	@Test
	void decodesAnHttpUrl() {
		assertThat(this.codec.decode("http://10.0.0.7:8080")).satisfies((decoded) -> {
			assertThat(decoded.address()).isEqualTo("10.0.0.7:8080");
			assertThat(decoded.fields()).containsExactly(Map.entry("secure", false));
		});
		assertThat(this.codec.decode("https://[fd00::7]/")).satisfies((decoded) -> {
			assertThat(decoded.address()).isEqualTo("[fd00::7]:443");
			assertThat(decoded.fields()).containsExactly(Map.entry("secure", true));
		});
		assertThat(this.codec.decode("HTTP://orders.internal").address()).isEqualTo("orders.internal:80");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{not json", "[1,2]", "{}", "{\"Addr\":5}", "{\"Addr\":\"\"}",
			"{\"Addr\":null}", "\"text\"", "10.0.0.7", "10.0.0.7:http", "fd00::7:8080",
			"{\"Op\":\"add\",\"Addr\":\"h:1\"}", "{\"Op\":256,\"Addr\":\"h:1\"}", "{\"Op\":-1,\"Addr\":\"h:1\"}",
			"{\"Op\":0.5,\"Addr\":\"h:1\"}", "{\"Addr\":\"h:1\",\"Instance\":\"x\"}", "ftp://h:1", "http://h:1/api",
			"http://user@h:1", "http://h:1?x=1", "http://:80" })
	void rejectsValuesThatAreNotInstances(String value) {
		assertThatExceptionOfType(InvalidInstanceValueException.class).isThrownBy(() -> this.codec.decode(value));
	}

}
