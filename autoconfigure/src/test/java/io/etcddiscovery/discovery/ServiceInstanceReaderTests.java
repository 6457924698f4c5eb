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

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ServiceInstanceReader} and {@link InstanceValidator}: what a value in
 * etcd must hold to be read as an instance.
 *
 * @author etcd-discovery authors
 */
class ServiceInstanceReaderTests {

	private static final String PREFIX = "/services/default/";

	private static final Instant REGISTERED_AT = Instant.parse("2026-01-02T03:04:05Z");

	private final NamingFormat codec = new NamingFormat();

	private final ServiceInstanceReader reader = new ServiceInstanceReader(PREFIX);

	@Test
	void readsAnInstanceWrittenByThisLibrary() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/o1", value("orders", "o1", InstanceStatus.DOWN),
				42);
		assertThat(instance.service()).isEqualTo("orders");
		assertThat(instance.instanceId()).isEqualTo("o1");
		assertThat(instance.host()).isEqualTo("10.0.0.1");
		assertThat(instance.port()).isEqualTo(8080);
		assertThat(instance.secure()).isTrue();
		assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
		assertThat(instance.isUp()).isFalse();
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
		assertThat(instance.address()).isEqualTo("10.0.0.1:8080");
		assertThat(instance.key()).isEqualTo(PREFIX + "orders/o1");
		assertThat(instance.modRevision()).isEqualTo(42);
		assertThat(instance.registeredAt()).isEqualTo(REGISTERED_AT);
		assertThat(instance.uri()).hasToString("https://10.0.0.1:8080");
	}

	@Test
	void readsAGoValueWithoutMetadataAsUp() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/go-1", bytes("{\"Addr\":\"10.0.0.2:9000\"}"),
				7);
		assertThat(instance.host()).isEqualTo("10.0.0.2");
		assertThat(instance.port()).isEqualTo(9000);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UP);
		assertThat(instance.metadata()).isEmpty();
		assertThat(instance.registeredAt()).isNull();
	}

	@Test
	void readsGoMetadataNextToTheStatusAsUserMetadata() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/go-1",
				bytes("{\"Addr\":\"10.0.0.2:9000\",\"Metadata\":{\"status\":\"OUT_OF_SERVICE\",\"zone\":\"a\","
						+ "\"weight\":3,\"tags\":[\"x\"]}}"),
				7);
		assertThat(instance.status()).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
		assertThat(instance.metadata()).containsOnly(Map.entry("zone", "a"), Map.entry("weight", "3"));
	}

	@Test
	void readsAnUnknownStatusAsUnknown() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/o1",
				bytes("{\"Addr\":\"h:1\",\"Metadata\":{\"status\":\"MAINTENANCE\"}}"), 7);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UNKNOWN);
		assertThat(instance.isUp()).isFalse();
	}

	@Test
	void readsAnIpv6Address() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/o1", bytes("{\"Addr\":\"[::1]:8080\"}"), 7);
		assertThat(instance.host()).isEqualTo("::1");
		assertThat(instance.port()).isEqualTo(8080);
		assertThat(instance.uri()).hasToString("http://[::1]:8080");
	}

	@Test
	void rejectsValuesThatAreNotInstances() {
		assertInvalid("orders/o1", "hello", "neither etcd's naming format nor host:port");
		assertInvalid("orders/o1", "{hello", "not JSON");
		assertInvalid("orders/o1", "[1]", "neither etcd's naming format nor host:port");
		assertInvalid("orders/o1", "{\"Metadata\":{}}", "no 'Addr'");
		assertInvalid("orders/o1", "{\"Addr\":\"10.0.0.1\"}", "'Addr' is not host:port");
		assertInvalid("orders/o1", "{\"Addr\":\"::1:80\"}", "'Addr' is not host:port");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"port\":\"80\"}}", "'port' is not a port number");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"port\":70000}}", "'port' is not a port number");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"secure\":\"yes\"}}", "'secure' is not a boolean");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"status\":1}}", "'status' is not a string");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"host\":\"\"}}", "'host' is not a non-empty");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"metadata\":\"x\"}}",
				"'metadata' is not an object");
		assertInvalid("orders/o1",
				"{\"Addr\":\"h:1\",\"x\":\"" + "y".repeat(ServiceInstanceReader.MAX_VALUE_SIZE) + "\"}", "larger than");
	}

	@Test
	void rejectsKeysAtTheWrongDepth() {
		assertInvalid("orders", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("orders/", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("/o1", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("orders/o1/extra", "{\"Addr\":\"h:1\"}", "key is not of the form");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					{"Op":0,"Addr":"bad host:1234"}                                   | the host is not a valid host name
					{"Addr":"[127.0.0.1,::1]:47083"}                                 | the host is not a valid IPv6 address
					{"Addr":"h_1:80"}                                                | the host is not a valid host name
					{"Addr":"-h:80"}                                                 | the host is not a valid host name
					{"Addr":"1.2.3:80"}                                              | the host is not a valid IPv4 address
					{"Addr":"010.0.0.1:80"}                                          | the host is not a valid IPv4 address
					{"Addr":"256.0.0.1:80"}                                          | the host is not a valid IPv4 address
					{"Addr":"a.123:80"}                                              | the host is not a valid host name
					{"Addr":"[fe80::1%eth0]:80"}                                     | the host is not a valid IPv6 address
					{"Addr":"[::1::2]:80"}                                           | the host is not a valid IPv6 address
					{"Addr":"h:1","Metadata":{"host":"user@h"}}                       | the host is not a valid host name
					{"Addr":"h:1","Metadata":{"host":"h/path"}}                       | the host is not a valid host name
					{"Addr":"h:0"}                                                   | the port 0 is not between 1 and 65535
					{"Addr":"h:1","Metadata":{"port":0}}                             | the port 0 is not between 1 and 65535
					{"Addr":"h:1","Metadata":{"metadata":{"":"x"}}}                  | a metadata key is empty
					{"Addr":"h:1","Metadata":{"metadata":{"a\\nb":"x"}}}             | a metadata key contains a control character
					{"Addr":"h:1","Metadata":{"metadata":{"zone":"eu\\u0000"}}}      | the value of metadata key 'zone' contains a control
					{"Addr":"h:1","Metadata":{"metadata":{"zone":"\\ud800"}}}        | unpaired surrogate
					{"Addr":"h:1","Metadata":{"zone":"\\udc00x"}}                    | unpaired surrogate
					""")
	void rejectsValuesThatNoConsumerCanUse(String value, String reason) {
		assertInvalid("orders/o1", value, reason);
	}

	@Test
	void rejectsAHostLongerThanDnsAllows() {
		String host = ("a".repeat(63) + ".").repeat(4) + "b";
		assertInvalid("orders/o1", "{\"Addr\":\"" + host + ":80\"}", "longer than 253 characters");
	}

	@Test
	void rejectsKeysThatCannotBeShown() {
		assertInvalid("orders/o\u0007", "{\"Addr\":\"h:1\"}", "the key contains a control character");
		assertInvalid("orders/ ", "{\"Addr\":\"h:1\"}", "blank service name or instance id");
		assertInvalid("orders/o\uFFFD", "{\"Addr\":\"h:1\"}", "the key is not valid UTF-8");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			{"Addr":"localhost:80"}                            | http://localhost:80
			{"Addr":"orders-1.eu.example.com:8443","Metadata":{"secure":true}} | https://orders-1.eu.example.com:8443
			{"Addr":"example.com.:80"}                         | http://example.com.:80
			{"Addr":"10.0.0.255:65535"}                        | http://10.0.0.255:65535
			{"Addr":"[2001:db8::1]:80"}                        | http://[2001:db8::1]:80
			{"Addr":"[::ffff:10.0.0.1]:80"}                    | http://[::ffff:10.0.0.1]:80
			{"Addr":"x:1","Metadata":{"host":"fd00::5","port":9}} | http://[fd00::5]:9
			{"Addr":"h:1","Metadata":{"metadata":{"emoji \\ud83d\\ude00":"caf\\u00e9"}}} | http://h:1
			""")
	void readsEveryHostAUriAccepts(String value, String uri) {
		DiscoveredInstance instance = this.reader.read(PREFIX + "orders/o1", bytes(value), 1);
		assertThat(instance.uri()).hasToString(uri);
		assertThat(instance.uri().getHost()).isNotNull();
	}

	private void assertInvalid(String key, String value, String reason) {
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> this.reader.read(PREFIX + key, bytes(value), 1))
			.withMessageContaining(reason);
	}

	@Test
	void sharesTheServiceNameAndEqualMetadataBetweenInstances() {
		DiscoveredInstance first = this.reader.read(PREFIX + "orders/o1", value("orders", "o1", InstanceStatus.UP), 1);
		DiscoveredInstance second = this.reader.read(PREFIX + "orders/o2", value("orders", "o2", InstanceStatus.UP), 2);
		assertThat(second.service()).isEqualTo("orders").isSameAs(first.service());
		assertThat(second.metadata()).isEqualTo(Map.of("zone", "eu-1")).isSameAs(first.metadata());
	}

	@Test
	void sharesTheEqualValuesOfDifferentMetadata() {
		DiscoveredInstance first = this.reader.read(PREFIX + "orders/o1",
				value("orders", "o1", Map.of("zone", "eu-1", "version", "2.1")), 1);
		DiscoveredInstance second = this.reader.read(PREFIX + "orders/o2",
				value("orders", "o2", Map.of("zone", "eu-2", "version", "2.1")), 2);
		assertThat(second.metadata()).isEqualTo(Map.of("zone", "eu-2", "version", "2.1"));
		assertThat(second.metadata().get("version")).isSameAs(first.metadata().get("version"));
		assertThat(second.metadata().get("zone")).isNotEqualTo(first.metadata().get("zone"));
	}

	private byte[] value(String service, String id, Map<String, String> metadata) {
		return this.codec.encode(
				new ServiceRegistration("default", service, id, "10.0.0.1", 8080, true, metadata, InstanceStatus.UP),
				REGISTERED_AT);
	}

	private byte[] value(String service, String id, InstanceStatus status) {
		return this.codec.encode(
				new ServiceRegistration("default", service, id, "10.0.0.1", 8080, true, Map.of("zone", "eu-1"), status),
				REGISTERED_AT);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
