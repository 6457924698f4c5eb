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

package io.etcddiscovery.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that this application never publishes a value other services would skip: an
 * unusable {@code discovery.host}, {@code discovery.port} or {@code discovery.metadata}
 * entry, a detected host that is unusable, or no port at all, fails start-up with Spring
 * Boot's failure analysis naming the property, the value and where it was set.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class PublishedInstancePropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void hostGivenTwiceOnTheCommandLineFailsStartUpWithPropertyValueAndOrigin(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.etcd.endpoints=http://127.0.0.1:1",
					"spring.main.banner-mode=off");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> application.run("--discovery.host=127.0.0.1", "--discovery.host=::1"));
		assertThat(output).contains("Property: discovery.host")
			.contains("Value: \"127.0.0.1,::1\"")
			.contains("Origin: \"discovery.host\" from property source \"commandLineArgs\"")
			.contains("Reason: the host is not a valid IPv6 address (was it given twice, so that Spring joined");
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
							discovery.host           | bad host        | host         | the host is not a valid host name
							discovery.host           | 127.0.0.1,::1   | host         | the host is not a valid IPv6 address (was it given twice
							discovery.host           | 10.0.0.1,10.0.0.2 | host       | the host is not a valid host name
							discovery.host           | my_host         | host         | the host is not a valid host name
							discovery.host           | 010.1.2.3       | host         | the host is not a valid IPv4 address
							discovery.host           | [::1]           | host         | the host is not a valid IPv6 address
							discovery.host           | http://orders   | host         | the host is not a valid IPv6 address
							discovery.port           | 0               | port         | the port 0 is not between 1 and 65535
							discovery.port           | 70000           | port         | the port 70000 is not between 1 and 65535
							discovery.metadata.zone  | `eu\t1`         | metadata[zone] | the value of metadata key 'zone' contains a control character
					discovery.zone           | `eu\t1`         | zone         | the value of metadata key 'zone' contains a control character
							""")
	void unusableValueFailsStartUpNamingThePropertyAndTheValue(String property, String value, String field,
			String reason) {
		String unescaped = value.replace("\\t", "\t");
		this.contextRunner.withPropertyValues(property + "=" + unescaped).run((context) -> {
			assertThat(context).hasFailed();
			FieldError error = fieldError(context.getStartupFailure());
			assertThat(error.getField()).isEqualTo(field);
			assertThat(error.getRejectedValue()).isEqualTo((field.equals("port")) ? Integer.valueOf(value) : unescaped);
			assertThat(error.getDefaultMessage()).startsWith(reason);
			if (!field.startsWith("metadata")) {
				// Boot tracks origins of the object's own fields, not of map entries.
				assertThat(Origin.from(error)).as("origin").isNotNull();
			}
		});
	}

	@Test
	void metadataKeyLongerThanReadersAcceptFailsStartUp() {
		String key = "k".repeat(257);
		this.contextRunner.withPropertyValues("discovery.metadata." + key + "=x").run((context) -> {
			FieldError error = fieldError(context.getStartupFailure());
			assertThat(error.getDefaultMessage()).isEqualTo("a metadata key is longer than 256 characters");
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			discovery.host=orders-1.eu.example.com
			discovery.host=10.0.0.1
			discovery.host=::1
			discovery.host=fd00::5
			discovery.host=localhost
			discovery.port=65535
			discovery.metadata.zone=eu-1
			""")
	void usableValueStartsUp(String property) {
		this.contextRunner.withPropertyValues(property).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void unusableDetectedHostFailsRegistrationNamingDiscoveryHost() {
		RegistrationProperties properties = new RegistrationProperties();
		properties.setPort(8080);
		properties.getHostDetection().setUseHostName(true);
		ServiceRegistrationFactory factory = new ServiceRegistrationFactory(properties, "orders",
				new StaticApplicationContext(), () -> "build_host.corp");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(factory::get)
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("discovery.host");
				assertThat(ex.getValue()).isEqualTo("build_host.corp");
				assertThat(ex.getReason()).contains("the host detected from the network interfaces is unusable")
					.contains("the host is not a valid host name")
					.contains("discovery.host-detection.use-host-name=false");
			});
	}

	@Test
	void detectedHostIsPublishedWhenUsable() {
		RegistrationProperties properties = new RegistrationProperties();
		properties.setPort(8080);
		ServiceRegistrationFactory factory = new ServiceRegistrationFactory(properties, "orders",
				new StaticApplicationContext(), () -> "10.1.2.3");
		assertThat(factory.get().address()).isEqualTo("10.1.2.3:8080");
	}

	@Test
	void noPortToPublishFailsRegistrationNamingDiscoveryPort() {
		RegistrationProperties properties = new RegistrationProperties();
		properties.setHost("10.1.2.3");
		ServiceRegistrationFactory factory = new ServiceRegistrationFactory(properties, "orders",
				new StaticApplicationContext());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(factory::get)
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("discovery.port");
				assertThat(ex.getReason()).contains("no web server port").contains("discovery.register=false");
			});
	}

	@Test
	void metadataTooLargeForReadersFailsRegistration() {
		RegistrationProperties properties = new RegistrationProperties();
		properties.setHost("10.1.2.3");
		properties.setPort(8080);
		properties.setMetadata(Map.of("a", "x".repeat(40_000), "b", "y".repeat(40_000)));
		ServiceRegistrationFactory factory = new ServiceRegistrationFactory(properties, "orders",
				new StaticApplicationContext());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(factory::get)
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("discovery.metadata");
				assertThat(ex.getReason()).contains("more than the 65536 bytes other services read");
			});
	}

	private static FieldError fieldError(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof BindValidationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("a BindValidationException in " + failure).isNotNull();
		List<FieldError> errors = ((BindValidationException) cause).getValidationErrors()
			.getAllErrors()
			.stream()
			.map(FieldError.class::cast)
			.toList();
		assertThat(errors).hasSize(1);
		return errors.get(0);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
