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

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.ServiceRegistration;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.util.Assert;

/**
 * This application's registration as Spring Cloud sees it, read from the registrar once
 * the application is ready.
 *
 * @author etcd-discovery authors
 */
public class EtcdServiceRegistration implements Registration {

	private final InstanceRegistrar registrar;

	private final String serviceId;

	/**
	 * Create a new registration view.
	 * @param registrar the registrar
	 * @param serviceId the service name, used before the application is ready
	 */
	public EtcdServiceRegistration(InstanceRegistrar registrar, String serviceId) {
		Assert.notNull(registrar, "'registrar' must not be null");
		this.registrar = registrar;
		this.serviceId = serviceId;
	}

	InstanceRegistrar getRegistrar() {
		return this.registrar;
	}

	@Override
	public @Nullable String getInstanceId() {
		ServiceRegistration registration = this.registrar.getRegistration();
		return (registration != null) ? registration.instanceId() : null;
	}

	@Override
	public String getServiceId() {
		ServiceRegistration registration = this.registrar.getRegistration();
		return (registration != null) ? registration.service() : this.serviceId;
	}

	@Override
	@SuppressWarnings("NullAway") // Nothing is registered before the application is
									// ready.
	public @Nullable String getHost() {
		ServiceRegistration registration = this.registrar.getRegistration();
		return (registration != null) ? registration.host() : null;
	}

	@Override
	public int getPort() {
		ServiceRegistration registration = this.registrar.getRegistration();
		return (registration != null) ? registration.port() : 0;
	}

	@Override
	public boolean isSecure() {
		ServiceRegistration registration = this.registrar.getRegistration();
		return registration != null && registration.secure();
	}

	@Override
	@SuppressWarnings("NullAway") // Nothing is registered before the application is
									// ready.
	public @Nullable URI getUri() {
		return (getHost() != null) ? ServiceInstance.createUri(this) : null;
	}

	@Override
	public Map<String, String> getMetadata() {
		ServiceRegistration registration = this.registrar.getRegistration();
		Map<String, String> metadata = new LinkedHashMap<>();
		if (registration != null) {
			metadata.putAll(registration.metadata());
			metadata.put("status", this.registrar.getState().status().name());
		}
		return metadata;
	}

}
