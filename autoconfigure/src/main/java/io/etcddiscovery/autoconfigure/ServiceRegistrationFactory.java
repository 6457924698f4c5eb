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

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InstanceValueRules;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.HostAddressDetector;
import io.etcddiscovery.registration.ServiceRegistration;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Resolves what this application registers from {@code discovery.*}, the environment and
 * the running web server, when the application is ready. The result is computed once, so
 * the instance id stays the same across re-registrations.
 *
 * @author etcd-discovery authors
 */
class ServiceRegistrationFactory implements Supplier<ServiceRegistration> {

	private static final boolean WEB_SERVER_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.web.server.context.WebServerApplicationContext",
			ServiceRegistrationFactory.class.getClassLoader());

	private final RegistrationProperties properties;

	private final String serviceName;

	private final ApplicationContext applicationContext;

	private @Nullable ServiceRegistration resolved;

	private final Supplier<String> hostDetector;

	ServiceRegistrationFactory(RegistrationProperties properties, String serviceName,
			ApplicationContext applicationContext) {
		this(properties, serviceName, applicationContext, () -> detectHost(properties.getHostDetection()));
	}

	ServiceRegistrationFactory(RegistrationProperties properties, String serviceName,
			ApplicationContext applicationContext, Supplier<String> hostDetector) {
		this.properties = properties;
		this.serviceName = serviceName;
		this.applicationContext = applicationContext;
		this.hostDetector = hostDetector;
	}

	@Override
	public synchronized ServiceRegistration get() {
		if (this.resolved == null) {
			this.resolved = resolve();
		}
		return this.resolved;
	}

	private ServiceRegistration resolve() {
		String host = this.properties.getHost();
		if (!StringUtils.hasText(host)) {
			RegistrationProperties.HostDetection detection = this.properties.getHostDetection();
			host = this.hostDetector.get();
			String problem = InstanceValueRules.hostProblem(host);
			if (problem != null) {
				// Other services would skip this instance: refuse to publish it.
				throw new InvalidConfigurationPropertyValueException("discovery.host", host,
						"'discovery.host' is not set and the host detected from the network interfaces is unusable: "
								+ problem + ". Set 'discovery.host' to the host name or IP address clients connect to"
								+ (detection.isUseHostName() ? ", or set 'discovery.host-detection.use-host-name=false'"
										: ""));
			}
		}
		int port = port();
		String instanceId = this.properties.getInstanceId();
		if (!StringUtils.hasText(instanceId)) {
			instanceId = defaultInstanceId(port);
		}
		ServiceRegistration registration = new ServiceRegistration(this.properties.getNamespace(), this.serviceName,
				instanceId, host, port, this.properties.isSecure(),
				WellKnownMetadata.of(this.properties, this.applicationContext.getEnvironment(), port),
				InstanceStatus.UP);
		int size = new NamingFormat().encode(registration, Instant.EPOCH).length;
		if (size > InstanceValueRules.MAX_VALUE_SIZE) {
			throw new InvalidConfigurationPropertyValueException("discovery.metadata",
					this.properties.getMetadata().size() + " entries",
					"this instance's value would be %d bytes, more than the %d bytes other services read: publish less metadata"
						.formatted(size, InstanceValueRules.MAX_VALUE_SIZE));
		}
		return registration;
	}

	private static String detectHost(RegistrationProperties.HostDetection detection) {
		return new HostAddressDetector(detection.getIgnoredInterfaces(), detection.getPreferredNetworks(),
				detection.isUseHostName())
			.detect();
	}

	private int port() {
		if (this.properties.getPort() != null) {
			return this.properties.getPort();
		}
		Integer webPort = WEB_SERVER_PRESENT ? WebPort.of(this.applicationContext) : null;
		if (webPort != null && webPort > 0) {
			return webPort;
		}
		// Port 0 cannot be called: other services would skip this instance.
		throw new InvalidConfigurationPropertyValueException("discovery.port", null,
				"service '%s' has no web server port to publish. Set 'discovery.port' to the port clients connect to, "
					.formatted(this.serviceName) + "or set 'discovery.register=false' if it only discovers others");
	}

	private String defaultInstanceId(int port) {
		String random = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
		return sanitize(this.serviceName + "-" + shortHostName() + "-" + port + "-" + random);
	}

	private static String shortHostName() {
		String name = System.getenv("HOSTNAME");
		if (!StringUtils.hasText(name)) {
			try {
				name = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				name = "localhost";
			}
		}
		int dot = name.indexOf('.');
		return ((dot > 0 && !Character.isDigit(name.charAt(0))) ? name.substring(0, dot) : name)
			.toLowerCase(Locale.ROOT);
	}

	private static String sanitize(String id) {
		return id.replaceAll("[^A-Za-z0-9._-]", "-");
	}

	/**
	 * Reads the port of the web server, kept apart so that it loads only with a web
	 * server on the classpath.
	 */
	private static final class WebPort {

		static @Nullable Integer of(ApplicationContext context) {
			if (context instanceof WebServerApplicationContext webContext) {
				WebServer webServer = webContext.getWebServer();
				return (webServer != null) ? webServer.getPort() : null;
			}
			return null;
		}

	}

}
